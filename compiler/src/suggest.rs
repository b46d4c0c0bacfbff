//! "Did you mean" suggestions, in one place.

/// The candidate closest to `name`, when it is close enough to be a likely typo: an edit
/// distance of at most a third of the name's length (at least 1), or a case-insensitive match.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    let lower = name.to_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate == name {
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
    let mut all: Vec<&str> = candidates.into_iter().collect();
    all.sort_unstable();
    all.dedup();
    match all.len() {
        0 => format!("no {what} is declared"),
        1..=8 => format!("the {what}s are {}", all.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")),
        n => format!("there are {n} {what}s; none is close to `{name}`"),
    }
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    // One row of the edit-distance table at a time; `prev[j]` is the distance between the
    // prefix of `a` read so far and `b[..j]`.
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitute = prev.get(j).copied().unwrap_or(usize::MAX).saturating_add(usize::from(ca != *cb));
            let delete = prev.get(j + 1).copied().unwrap_or(usize::MAX).saturating_add(1);
            let insert = cur.last().copied().unwrap_or(usize::MAX).saturating_add(1);
            cur.push(substitute.min(delete).min(insert));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
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
    }

    #[test]
    fn lists_candidates_when_none_is_close() {
        assert_eq!(did_you_mean("zzz", "connector", ["hr", "ad"]), "the connectors are `ad`, `hr`");
        assert_eq!(did_you_mean("zzz", "connector", std::iter::empty()), "no connector is declared");
    }
}
