//! `cannery serve`: the library over HTTP, read-only (SPEC §5). All of the
//! product's HTTP lives in this module.
//!
//! The server answers from an [`Index`] built in full from one
//! `Library::load` — the same load `check` does, so the problems it shows
//! are check's (a reload's `Library::load_again` gives what it gives,
//! reading only the files that changed). A reload builds a new index, whole
//! before it is served, and swaps the pointer; each request takes the
//! pointer once, so it never sees half an index and one answer never mixes
//! two versions of the library.
//!
//! Why hyper on tokio and not tiny_http: tiny_http sets no socket timeouts
//! and has no hook to set them (tiny-http/tiny-http#143), and the one way
//! around it, a read timeout on the listener, makes `accept` fail and ends
//! its accept loop for good. Idle keep-alive clients, slow headers and
//! clients that stop reading must not hold the server, so connections here
//! are tasks, with hyper's header-read timeout, a write-stall timeout of
//! our own ([`conn`]), and a cap on connections and event streams.

mod auth;
mod catalog;
mod changes;
mod conn;
mod envelope;
mod events;
mod export;
mod index;
mod io;
mod openapi;
mod origin;
mod page;
mod paging;
mod params;
mod router;
mod routes;
mod sort;
pub mod usage;
mod watch;

pub use auth::{check_exposure, Token};
pub use index::Index;
pub use origin::Origin;
pub use watch::Watching;

use envelope::Answer;
use origin::Loaded;
use router::{Method, Route};
use std::net::SocketAddr;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, RwLock};
use usage::UsageLog;

pub struct Options {
    pub addr: SocketAddr,
    pub origin: Origin,
    /// How to notice changes; `None` serves one index for the server's
    /// whole life (`--no-watch`). A git revision is never watched.
    pub watch: Option<Watching>,
    pub usage: Option<UsageLog>,
    pub token: Option<Token>,
    /// No log line per request.
    pub quiet: bool,
}

/// What every connection shares.
pub struct State {
    index: RwLock<Arc<Index>>,
    origin: Origin,
    reloads: tokio::sync::watch::Sender<events::Reload>,
    usage: Option<UsageLog>,
    token: Option<Token>,
    quiet: bool,
    streams: AtomicUsize,
    shutdown: tokio::sync::watch::Receiver<bool>,
}

impl State {
    /// The index being served now.
    pub fn index(&self) -> Arc<Index> {
        self.index.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The index of `loaded`, as the next generation, made with what the
    /// index served now has of the responses that did not change.
    fn prepare(&self, loaded: Loaded) -> Arc<Index> {
        let previous = self.index();
        build(loaded, previous.generation + 1, Some(&previous))
    }

    /// Serves `index` from now on.
    fn publish(&self, index: Arc<Index>) {
        let old = std::mem::replace(
            &mut *self.index.write().unwrap_or_else(|e| e.into_inner()),
            index.clone(),
        );
        self.reloads.send_replace(reload_of(&index));
        // The old index may hold the last references to much (answers, a
        // history of 30,000 events): let it go beside the requests, not
        // on the reload's time.
        rayon::spawn(move || drop(old));
    }
}

fn build(loaded: Loaded, generation: u64, previous: Option<&Index>) -> Arc<Index> {
    let index = Arc::new(Index::build(loaded, generation, previous));
    if previous.is_some() {
        // A reload takes the answers and the search index of the responses
        // that did not change from the previous index; make those of the
        // ones that changed now, so that the index served is whole.
        index.warm_answers();
    }
    // Renderings, answers and the search index are made on first use;
    // make whatever is missing now (all of it for the first index), beside
    // the requests, so that no request pays.
    let warm = index.clone();
    rayon::spawn(move || warm.warm());
    index
}

fn reload_of(index: &Index) -> events::Reload {
    events::Reload {
        generation: index.generation,
        revision: index.revision.clone(),
        loaded_at: index.loaded_at.clone(),
    }
}

/// A request, as the routes see it.
pub struct Request<'a> {
    pub method: Method,
    /// The path as sent, still percent-encoded.
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub if_none_match: Option<&'a str>,
    pub authorization: Option<&'a [u8]>,
    /// The `Cookie` header: the preview page's token ([`auth::COOKIE`]).
    pub cookie: Option<&'a [u8]>,
    /// The body, read only for `POST …/use`.
    pub body: &'a [u8],
}

/// What a request gets: an answer, or an event stream.
pub enum Reply {
    Answer(Answer),
    Events(events::Stream),
}

/// Whether a request's body is needed: only for a use that is counted,
/// from a client that may ask.
pub fn wants_body(
    state: &State,
    method: Method,
    path: &str,
    authorization: Option<&[u8]>,
    cookie: Option<&[u8]>,
) -> bool {
    method == Method::Post
        && state.usage.is_some()
        && state
            .token
            .as_ref()
            .is_none_or(|t| t.admits(authorization, cookie))
        && matches!(router::route(method, path, true), Ok(Route::Use(_)))
}

/// Answers one request from the index being served now.
pub fn respond(state: &Arc<State>, req: &Request) -> Reply {
    let health = req.path == "/api/v1/health";
    if let (Some(token), false) = (&state.token, health) {
        if let Some(answer) = page_login(token, req) {
            return Reply::Answer(answer);
        }
        if !token.admits(req.authorization, req.cookie) {
            return Reply::Answer(
                Answer::error(
                    401,
                    "this server needs a token: send `Authorization: Bearer <token>`, or open the preview page once as `/?token=<token>`",
                )
                .with_header("www-authenticate", "Bearer"),
            );
        }
    }
    let route = match router::route(req.method, req.path, state.usage.is_some()) {
        Ok(route) => route,
        Err(answer) => return Reply::Answer(answer),
    };
    let index = state.index();
    let usage = state.usage.as_ref();
    let answered = match &route {
        Route::Events => {
            return match events::open(state) {
                Ok(stream) => Reply::Events(stream),
                Err(answer) => Reply::Answer(answer),
            }
        }
        Route::Page => Ok(page::answer(req.path)),
        Route::OpenApi => Ok(openapi::answer(state.usage.is_some())),
        Route::List => routes::list(&index, usage, req),
        Route::Response(id) => routes::one(&index, usage, id, req),
        Route::Use(id) => routes::count_use(&index, usage, id, req),
        Route::Render(id) => routes::render(&index, id, req),
        Route::History(id) => changes::of(&index, id, req),
        Route::Changes => changes::since(&index, &state.origin, req),
        Route::Export(target) => export::export(&index, target, req),
        Route::Categories => catalog::categories(&index, req),
        Route::Tags => catalog::tags(&index, req),
        Route::Placeholders => catalog::placeholders(&index, req),
        Route::Snippets => catalog::snippets(&index, req),
        Route::Problems => catalog::problems(&index, req),
        Route::Health => catalog::health(&index, req),
    };
    let answer = answered.unwrap_or_else(|refused| refused);
    Reply::Answer(answer.revalidated(req.if_none_match))
}

/// `GET /?token=…` with the right token: a cookie that lets the browser in
/// from now on, and a redirect to `/` so that the token leaves the address
/// bar and the history. A wrong token is a 401 like any other.
fn page_login(token: &Token, req: &Request) -> Option<Answer> {
    if req.path != "/" || !matches!(req.method, Method::Get | Method::Head) {
        return None;
    }
    let given = req
        .query?
        .split('&')
        .find_map(|p| p.strip_prefix("token="))?;
    let given = params::decode(given).ok()?;
    token.is(given.as_bytes()).then(|| {
        let mut answer = Answer::empty(303)
            .with_header("location", "/")
            .with_header("set-cookie", token.cookie())
            .with_header("cache-control", "no-store");
        answer
            .headers
            .push(("referrer-policy", "no-referrer".into()));
        answer
    })
}

/// Serves until Ctrl-C or SIGTERM. `started` is called once the address
/// is bound, with the URL and the first index.
pub fn run(options: Options, started: impl FnOnce(&str, &Index)) -> Result<(), String> {
    let first = options.origin.load()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers())
        .thread_name("cannery-serve")
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let index = build(first, 1, None);
    let state = Arc::new(State {
        reloads: tokio::sync::watch::channel(reload_of(&index)).0,
        index: RwLock::new(index),
        origin: options.origin,
        usage: options.usage,
        token: options.token,
        quiet: options.quiet,
        streams: AtomicUsize::new(0),
        shutdown,
    });
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(options.addr)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", options.addr))?;
        let bound = listener
            .local_addr()
            .map_err(|e| format!("cannot listen on {}: {e}", options.addr))?;
        let _watcher = match (options.watch, state.origin.folder()) {
            (Some(how), Some(folder)) => {
                Some(watch::start(folder.to_path_buf(), how, state.clone())?)
            }
            _ => None,
        };
        started(&format!("http://{bound}/"), &state.index());
        let server = tokio::spawn(conn::accept(listener, state.clone()));
        conn::stopped().await;
        let _ = stop.send(true);
        let _ = server.await;
        Ok(())
    })
}

/// Worker threads: the requests are short, so a couple per core is plenty.
fn workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 8))
}
