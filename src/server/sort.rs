//! Sort orders, worked out once per index: a list request walks one of
//! them and keeps what its filters let through, so it never sorts.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    Title,
    TitleDesc,
    Created,
    CreatedDesc,
    Updated,
    UpdatedDesc,
    Shortcut,
}

impl Sort {
    pub const NAMES: &[&str] = &[
        "title", "-title", "created", "-created", "updated", "-updated", "shortcut",
    ];

    pub fn from_name(name: &str) -> Option<Sort> {
        Some(match name {
            "title" => Sort::Title,
            "-title" => Sort::TitleDesc,
            "created" => Sort::Created,
            "-created" => Sort::CreatedDesc,
            "updated" => Sort::Updated,
            "-updated" => Sort::UpdatedDesc,
            "shortcut" => Sort::Shortcut,
            _ => return None,
        })
    }
}

/// Responses in one sort order: `known` of them have the key; the rest
/// (no shortcut, no date) come after, in title order, in both directions.
pub struct Order {
    pub ids: Vec<u32>,
    pub known: usize,
}

/// Positions `0..n` ordered by `key` (those without one last), ties by `tie`.
pub fn order<'a, K: Ord + 'a>(
    n: usize,
    key: impl Fn(usize) -> Option<&'a K>,
    tie: impl Fn(usize) -> u32,
) -> Order {
    let mut ids: Vec<u32> = (0..n as u32).collect();
    ids.sort_by(|&a, &b| {
        let (a, b) = (a as usize, b as usize);
        match (key(a), key(b)) {
            (Some(x), Some(y)) => x.cmp(y).then(tie(a).cmp(&tie(b))),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => tie(a).cmp(&tie(b)),
        }
        .then(a.cmp(&b))
    });
    let known = ids
        .iter()
        .take_while(|&&i| key(i as usize).is_some())
        .count();
    Order { ids, known }
}

/// For each position, its place in `order`.
pub fn rank_of(order: &Order) -> Vec<u32> {
    let mut rank = vec![0; order.ids.len()];
    for (place, &i) in order.ids.iter().enumerate() {
        rank[i as usize] = place as u32;
    }
    rank
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_put_missing_keys_last() {
        let keys = [Some("b"), None, Some("a"), None];
        let o = order(4, |i| keys[i].as_ref(), |i| i as u32);
        assert_eq!(o.ids, [2, 0, 1, 3]);
        assert_eq!(o.known, 2);
        assert_eq!(rank_of(&o), [1, 2, 0, 3]);
    }
}
