//! "Did you mean" suggestions, in one place.

/// The candidate closest to `name`, when it is close enough to be a likely typo: an edit
/// distance of at most a third of the name's length (at least 1), or a case-insensitive match.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    let lower = name.to_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        // Names starting with `__` are the compiler's own (the playground's row anchor).
        if candidate == name || candidate.starts_with("__") {
            continue;
        }
        let distance = if candidate.to_lowercase() == lower { 0 } else { levenshtein(name, candidate) };
        if distance <= limit && best.is_none_or(|(d, c)| distance < d || (distance == d && candidate < c)) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// A help line: "did you mean `x`?" or, with no close candidate, the list of what exists.
pub fn did_you_mean<'a>(name: &str, what: &str, candidates: impl IntoIterator<Item = &'a str> + Clone) -> String {
    if let Some(c) = closest(name, candidates.clone()) {
        return format!("did you mean `{c}`?");
    }
    let mut all: Vec<&str> = candidates.into_iter().filter(|c| !c.starts_with("__")).collect();
    all.sort_unstable();
    all.dedup();
    match all.len() {
        0 => format!("no {what} is declared"),
        1..=8 => format!("the {what}s are {}", all.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")),
        n => format!("there are {n} {what}s; none is close to `{name}`"),
    }
}

/// The optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
/// neighbouring characters each cost 1 (`mial` is one edit from `mail`).
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    // The table row by row, flattened; `at(i, j)` is the distance between `a[..i]` and `b[..j]`.
    let mut table = vec![0usize; (a.len() + 1) * width];
    let at = |t: &Vec<usize>, i: usize, j: usize| t.get(i * width + j).copied().unwrap_or(usize::MAX / 2);
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            let value = if i == 0 {
                j
            } else if j == 0 {
                i
            } else {
                let (ca, cb) = (a.get(i - 1), b.get(j - 1));
                let cost = usize::from(ca != cb);
                let mut best =
                    (at(&table, i - 1, j) + 1).min(at(&table, i, j - 1) + 1).min(at(&table, i - 1, j - 1) + cost);
                if i > 1 && j > 1 && ca == b.get(j - 2) && a.get(i - 2) == cb {
                    best = best.min(at(&table, i - 2, j - 2) + 1);
                }
                best
            };
            if let Some(cell) = table.get_mut(i * width + j) {
                *cell = value;
            }
        }
    }
    at(&table, a.len(), b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names() {
        assert_eq!(closest("givenNme", ["givenName", "surname"]), Some("givenName"));
        assert_eq!(closest("MAIL", ["mail", "uid"]), Some("mail"));
        assert_eq!(closest("x", ["department"]), None);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("mial", "mail"), 1);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(closest("mial", ["mail", "__row"]), Some("mail"));
    }

    #[test]
    fn lists_candidates_when_none_is_close() {
        assert_eq!(did_you_mean("zzz", "connector", ["hr", "ad"]), "the connectors are `ad`, `hr`");
        assert_eq!(did_you_mean("zzz", "connector", std::iter::empty()), "no connector is declared");
    }
}
