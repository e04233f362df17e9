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
pub fn order<Q: Ord>(
    n: usize,
    key: impl Fn(usize) -> Option<Q>,
    tie: impl Fn(usize) -> u32,
) -> Order {
    let mut ids: Vec<u32> = (0..n as u32).collect();
    ids.sort_by(|&a, &b| compare(a as usize, b as usize, &key, &tie));
    let known = ids
        .iter()
        .take_while(|&&i| key(i as usize).is_some())
        .count();
    Order { ids, known }
}

/// Above this many new responses, an order is sorted afresh.
const FEW: usize = 64;

impl Order {
    /// The [`order`] of `0..n` by `key` and `tie`, made from this order of
    /// the previous index: `same[i]` is the position in the previous index
    /// of the response now at `i`, when it is the same and its key is too.
    /// The responses kept stay in their order (keys and ties among them
    /// compare as before) and each other one is put in its place: a
    /// reload after one saved file sorts nothing. `None` when more than a
    /// few responses are new.
    pub fn patched<Q: Ord>(
        &self,
        same: &[Option<usize>],
        key: impl Fn(usize) -> Option<Q>,
        tie: impl Fn(usize) -> u32,
    ) -> Option<Order> {
        let fresh: Vec<u32> = (0..same.len() as u32)
            .filter(|&i| same[i as usize].is_none())
            .collect();
        if fresh.len() > FEW {
            return None;
        }
        const GONE: u32 = u32::MAX;
        let mut moved = vec![GONE; self.ids.len()];
        for (i, j) in same.iter().enumerate() {
            if let Some(j) = j {
                moved[*j] = i as u32;
            }
        }
        let mut ids: Vec<u32> = Vec::with_capacity(same.len());
        ids.extend(
            self.ids
                .iter()
                .map(|&j| moved[j as usize])
                .filter(|&i| i != GONE),
        );
        for i in fresh {
            let at = ids.partition_point(|&x| {
                compare(x as usize, i as usize, &key, &tie) == std::cmp::Ordering::Less
            });
            ids.insert(at, i);
        }
        let known = ids.partition_point(|&i| key(i as usize).is_some());
        Some(Order { ids, known })
    }
}

/// How [`order`] orders two positions.
fn compare<Q: Ord>(
    a: usize,
    b: usize,
    key: &impl Fn(usize) -> Option<Q>,
    tie: &impl Fn(usize) -> u32,
) -> std::cmp::Ordering {
    match (key(a), key(b)) {
        (Some(x), Some(y)) => x.cmp(&y).then(tie(a).cmp(&tie(b))),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => tie(a).cmp(&tie(b)),
    }
    .then(a.cmp(&b))
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
    use proptest::prelude::*;

    proptest! {
        /// A patched order is the order sorted afresh: some responses go,
        /// some come, the others keep their keys.
        #[test]
        fn a_patched_order_is_the_order_sorted_afresh(
            old in proptest::collection::vec(proptest::option::of(0u8..6), 0..40),
            kept in proptest::collection::vec(any::<bool>(), 40),
            new in proptest::collection::vec(proptest::option::of(0u8..6), 0..40),
            ties in proptest::collection::vec(0u32..4, 80),
        ) {
            let before = order(old.len(), |i| old[i], |i| ties[i] * 2);
            let mut keys = Vec::new();
            let mut same = Vec::new();
            for (j, key) in old.iter().enumerate() {
                if kept[j] {
                    keys.push(*key);
                    same.push(Some(j));
                }
                if let Some(key) = new.get(j) {
                    keys.push(*key);
                    same.push(None);
                }
            }
            // Ties keep their order among the kept (as title ranks do).
            let tie = |i: usize| same[i].map_or(ties[40 + i % 40], |j| ties[j] * 2);
            let fresh = order(keys.len(), |i| keys[i], tie);
            if let Some(patched) = before.patched(&same, |i| keys[i], tie) {
                prop_assert_eq!(patched.ids, fresh.ids);
                prop_assert_eq!(patched.known, fresh.known);
            }
        }
    }

    #[test]
    fn orders_put_missing_keys_last() {
        let keys = [Some("b"), None, Some("a"), None];
        let o = order(4, |i| keys[i].as_ref(), |i| i as u32);
        assert_eq!(o.ids, [2, 0, 1, 3]);
        assert_eq!(o.known, 2);
        assert_eq!(rank_of(&o), [1, 2, 0, 3]);
    }
}
