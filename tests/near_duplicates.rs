//! Near-duplicate warnings (SPEC §7.3) on a large generated library.

mod common;

use common::*;

const WORDS: &[&str] = &[
    "order",
    "refund",
    "parcel",
    "invoice",
    "account",
    "password",
    "delivery",
    "warehouse",
    "card",
    "subscription",
    "plan",
    "upgrade",
    "courier",
    "address",
    "return",
    "label",
    "discount",
    "team",
    "schedule",
    "weekend",
    "holiday",
    "tracking",
    "replacement",
    "warranty",
    "battery",
    "screen",
];

/// A deterministic body of about forty words, different for every `n`.
fn body(n: usize) -> String {
    let mut state = n as u64 * 2_654_435_761 + 1;
    let mut words = Vec::new();
    for _ in 0..40 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        words.push(WORDS[(state % WORDS.len() as u64) as usize]);
    }
    format!("Reply {n}: {}.", words.join(" "))
}

#[test]
fn a_planted_pair_is_found_among_ten_thousand() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    for n in 0..10_000 {
        write(
            root,
            &format!("r{}/response-{n}.md", n / 100),
            format!("---\ntitle: Response {n}\n---\n{}\n", body(n)),
        );
    }
    let planted = "Thanks for reaching out about your refund. We processed it today and the money \
        should be back on your card within five to seven business days, depending on your bank. \
        If it has not arrived by then, reply to this message with your order number.";
    write(
        root,
        "r5/planted-a.md",
        format!("---\ntitle: Refund on its way\n---\n{planted}\n"),
    );
    write(
        root,
        "r77/planted-b.md",
        format!(
            "---\ntitle: Refund processed\n---\n{}\n",
            planted.replace("processed it today", "processed it yesterday")
        ),
    );
    let (status, doc) = check_json(root);
    assert_eq!(status, 0);
    let warnings: Vec<_> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["code"] == "near-duplicate")
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert_eq!(warnings[0]["file"], "r77/planted-b.md");
    let message = warnings[0]["message"].as_str().unwrap();
    assert!(
        message.contains("r5/planted-a.md") && message.contains("% alike"),
        "{message}"
    );

    // `duplicates: {threshold: 0}` turns the warning off.
    write(root, "cannery.yaml", "duplicates:\n  threshold: 0\n");
    let (_, doc) = check_json(root);
    assert_eq!(doc["summary"]["warnings"], 0, "{:#}", doc["problems"]);
}
