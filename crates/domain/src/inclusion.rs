//! The inclusion check (R15): Inkluderingsdugnaden, the owner's target that at least
//! [`TARGET_PERCENT`] % of new hires have a disability or a gap in the CV, and whether a
//! qualified applicant who said so in the voluntary self-declaration was called to interview.
//!
//! The figures come from special-category data, so they are only ever counts per unit and
//! year, and no group of fewer than [`MIN_GROUP`] people can be read from them: not a cell, not
//! the difference between a cell and the one it is part of, and not a hidden cell worked out
//! from the total ([`suppress`]).
//!
//! "Qualified" is what the system knows before an interview: no screening answer knocked the
//! applicant out (the ad's formal requirements as screening questions). "Called to interview"
//! is having reached the interview phase or a later one.

/// The owner's target for new hires with a disability or a CV gap, in per cent.
pub const TARGET_PERCENT: u32 = 5;
/// The smallest group of people shown.
pub const MIN_GROUP: i64 = 5;

/// A unit's true figures for a year (or the sum of several units).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Postings whose deadline fell in the year (not about people: always shown).
    pub postings: i64,
    /// Applicants who declared a disability or a CV gap.
    pub declared: i64,
    /// Of them, not knocked out by a screening answer.
    pub qualified: i64,
    /// Of them, called to interview.
    pub interviewed: i64,
    /// Postings with at least one qualified declared applicant.
    pub postings_with: i64,
    /// Of them, postings where at least one such applicant was called to interview.
    pub postings_interviewed: i64,
    /// Hired applicants (not special-category: always shown).
    pub hires: i64,
    /// Of them, those who declared a disability or a CV gap.
    pub hires_declared: i64,
}

impl Counts {
    pub fn add(&mut self, o: &Counts) {
        self.postings += o.postings;
        self.declared += o.declared;
        self.qualified += o.qualified;
        self.interviewed += o.interviewed;
        self.postings_with += o.postings_with;
        self.postings_interviewed += o.postings_interviewed;
        self.hires += o.hires;
        self.hires_declared += o.hires_declared;
    }
}

/// What may be shown of [`Counts`]: `None` is hidden.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shown {
    pub postings: i64,
    pub declared: Option<i64>,
    pub qualified: Option<i64>,
    pub interviewed: Option<i64>,
    pub postings_with: Option<i64>,
    /// Postings with a qualified declared applicant where none was called to interview.
    pub postings_missed: Option<i64>,
    pub hires: i64,
    pub hires_declared: Option<i64>,
}

impl Shown {
    /// The share of hires who declared, in tenths of a per cent, where it may be shown.
    pub fn share_permille(&self) -> Option<i64> {
        let d = self.hires_declared?;
        (self.hires > 0).then(|| (d * 1000 + self.hires / 2) / self.hires)
    }

    /// Whether the share reaches the target (`None` when it is not shown).
    pub fn meets_target(&self) -> Option<bool> {
        self.share_permille()
            .map(|p| p >= i64::from(TARGET_PERCENT) * 10)
    }
}

/// A group of people may be shown when it is empty or has at least [`MIN_GROUP`] in it.
fn ok(n: i64) -> bool {
    n == 0 || n >= MIN_GROUP
}

/// One row on its own: every cell shown whose group, and the rest of the group it is part of,
/// is empty or at least [`MIN_GROUP`].
fn row(c: &Counts) -> Shown {
    let mut s = Shown {
        postings: c.postings,
        hires: c.hires,
        ..Shown::default()
    };
    // The hired are known people: of them, at least five must have declared and five not,
    // or the figure would say something of each (where nobody was hired it says nothing).
    if c.hires == 0 || (c.hires_declared >= MIN_GROUP && c.hires - c.hires_declared >= MIN_GROUP) {
        s.hires_declared = Some(c.hires_declared);
    }
    if !ok(c.declared) {
        return s;
    }
    s.declared = Some(c.declared);
    if !(ok(c.qualified) && ok(c.declared - c.qualified)) {
        return s;
    }
    s.qualified = Some(c.qualified);
    if !(ok(c.interviewed) && ok(c.qualified - c.interviewed)) {
        return s;
    }
    s.interviewed = Some(c.interviewed);
    // Postings are not people, but shown beside the people they are about only where those
    // people are shown.
    s.postings_with = Some(c.postings_with);
    s.postings_missed = Some(c.postings_with - c.postings_interviewed);
    s
}

type Cell = fn(&mut Shown) -> &mut Option<i64>;
type Value = fn(&Counts) -> i64;

/// The cells a total can give away by difference, with the true value of each.
const COLUMNS: [(Cell, Value); 6] = [
    (|s| &mut s.declared, |c| c.declared),
    (|s| &mut s.qualified, |c| c.qualified),
    (|s| &mut s.interviewed, |c| c.interviewed),
    (|s| &mut s.postings_with, |c| c.postings_with),
    (
        |s| &mut s.postings_missed,
        |c| c.postings_with - c.postings_interviewed,
    ),
    (|s| &mut s.hires_declared, |c| c.hires_declared),
];

/// The rows and their total as they may be shown. A total's cell less the rows shown gives
/// the hidden rows' sum: so where a column hides one row, or hidden rows that add up to fewer
/// than [`MIN_GROUP`] (a sum of nought says each of them is nought), the next smallest
/// non-empty cells of the column are hidden too, or, with none left, the total's.
pub fn suppress(rows: &[Counts]) -> (Vec<Shown>, Shown) {
    let mut total = Counts::default();
    for c in rows {
        total.add(c);
    }
    let mut shown: Vec<Shown> = rows.iter().map(row).collect();
    let mut sum = row(&total);
    for (cell, value) in COLUMNS {
        if cell(&mut sum).is_none() {
            continue;
        }
        let hidden: Vec<usize> = (0..shown.len())
            .filter(|&i| cell(&mut shown[i]).is_none())
            .collect();
        if hidden.is_empty() {
            continue;
        }
        let (mut n, mut hidden_sum) = (
            hidden.len(),
            hidden.iter().map(|&i| value(&rows[i])).sum::<i64>(),
        );
        while n == 1 || hidden_sum < MIN_GROUP {
            let next = (0..shown.len())
                .filter(|&i| cell(&mut shown[i]).is_some() && value(&rows[i]) > 0)
                .min_by_key(|&i| value(&rows[i]));
            match next {
                Some(i) => {
                    *cell(&mut shown[i]) = None;
                    n += 1;
                    hidden_sum += value(&rows[i]);
                }
                None => {
                    *cell(&mut sum) = None;
                    break;
                }
            }
        }
    }
    (shown, sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(declared: i64, qualified: i64, interviewed: i64, hires: i64, hd: i64) -> Counts {
        Counts {
            postings: 10,
            declared,
            qualified,
            interviewed,
            postings_with: 3,
            postings_interviewed: 2,
            hires,
            hires_declared: hd,
        }
    }

    #[test]
    fn small_groups_and_their_complements_are_hidden() {
        let s = row(&c(12, 10, 6, 20, 0));
        assert_eq!(s.declared, Some(12));
        assert_eq!(s.qualified, None, "12 - 10 = 2 were knocked out");
        assert_eq!(s.interviewed, None, "hidden with what it is part of");
        assert_eq!(s.postings_missed, None);
        assert_eq!(s.hires_declared, None, "none of 20 known people");
        let s = row(&c(15, 10, 5, 20, 6));
        assert_eq!(
            (s.qualified, s.interviewed, s.postings_missed),
            (Some(10), Some(5), Some(1))
        );
        assert_eq!(s.share_permille(), Some(300));
        assert_eq!(s.meets_target(), Some(true));
        let s = row(&c(15, 15, 12, 20, 0));
        assert_eq!(s.interviewed, None, "3 qualified were not interviewed");
        let s = row(&c(3, 3, 3, 4, 0));
        assert_eq!(s.declared, None);
        assert_eq!(
            s.hires_declared, None,
            "a unit with four hires says nothing"
        );
        assert_eq!((s.postings, s.hires), (10, 4), "never about people");
        assert_eq!(row(&c(20, 20, 20, 30, 2)).hires_declared, None);
        assert_eq!(
            row(&c(20, 20, 20, 7, 5)).hires_declared,
            None,
            "two hires known not to have declared"
        );
        assert_eq!(
            row(&c(20, 20, 20, 7, 7)).hires_declared,
            None,
            "every hire known to have declared"
        );
        assert_eq!(
            row(&c(0, 0, 0, 0, 0)).hires_declared,
            Some(0),
            "nobody hired"
        );
    }

    #[test]
    fn the_share_is_rounded_to_a_tenth_and_held_against_the_target() {
        let s = Shown {
            hires: 150,
            hires_declared: Some(7),
            ..Shown::default()
        };
        assert_eq!(s.share_permille(), Some(47));
        assert_eq!(s.meets_target(), Some(false));
        let none = Shown::default();
        assert_eq!(none.share_permille(), None);
    }

    #[test]
    fn a_total_never_gives_hidden_rows_away() {
        // One clinic too small: the next smallest is hidden with it.
        let rows = [c(20, 20, 15, 40, 5), c(30, 25, 20, 50, 0), c(3, 3, 1, 2, 0)];
        let (shown, total) = suppress(&rows);
        assert_eq!(shown[2].declared, None);
        assert_eq!(shown[0].declared, None, "the smaller of the two shown");
        assert_eq!(shown[1].declared, Some(30));
        assert_eq!(total.declared, Some(53));
        // Two hidden that add up to nought would each be known as nought: a third goes too.
        assert_eq!(shown[1].hires_declared, None);
        assert_eq!(shown[0].hires_declared, None);
        assert_eq!(total.hires_declared, Some(5));
        // Three hidden adding up to three, and nothing left to hide: the total's goes.
        assert_eq!(total.postings_missed, None);
        // Two hidden adding up to five already hide each other.
        let rows = [c(20, 20, 15, 40, 5), c(2, 2, 1, 2, 0), c(3, 3, 1, 2, 0)];
        let (shown, total) = suppress(&rows);
        assert_eq!(shown[0].declared, Some(20));
        assert_eq!(total.declared, Some(25));
        // Nothing else to hide: the total's cell goes instead.
        let rows = [c(0, 0, 0, 40, 0), c(3, 3, 1, 2, 0)];
        let (shown, total) = suppress(&rows);
        assert_eq!(shown[0].declared, Some(0));
        assert_eq!(total.declared, None);
    }
}
