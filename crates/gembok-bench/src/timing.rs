//! Timing a vault operation and its baseline side by side.
//!
//! The machine this runs on is shared and small, so background load drifts during a
//! run. Instead of timing all vault work and then all baseline work, the work is cut
//! into steps and the two sides alternate step by step (and alternate which goes first),
//! so both see the same background load and the ratio stays meaningful even when the
//! absolute numbers wobble.

use std::time::{Duration, Instant};

use anyhow::Result;

/// Wall-clock time spent by each side.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Pair {
    pub vault: Duration,
    pub baseline: Duration,
}

/// One side of a comparison: called with the step number.
pub type Side<'a> = &'a mut dyn FnMut(usize) -> Result<()>;

/// Run `steps` steps of each side, alternating, and sum the time of each.
pub fn alternate(
    steps: usize,
    mut vault: impl FnMut(usize) -> Result<()>,
    mut baseline: impl FnMut(usize) -> Result<()>,
) -> Result<Pair> {
    let t = rotate(steps, &mut [&mut vault, &mut baseline])?;
    Ok(Pair {
        vault: t[0],
        baseline: t[1],
    })
}

/// Run `steps` steps of every side in turn, the first side of each step moving one
/// place every step, and return the summed time of each side.
pub fn rotate(steps: usize, sides: &mut [Side<'_>]) -> Result<Vec<Duration>> {
    let n = sides.len();
    let mut total = vec![Duration::ZERO; n];
    for step in 0..steps {
        for k in 0..n {
            let i = (k + step) % n;
            total[i] += time(|| sides[i](step))?;
        }
    }
    Ok(total)
}

/// Wall-clock time of one call.
pub fn time(f: impl FnOnce() -> Result<()>) -> Result<Duration> {
    let start = Instant::now();
    f()?;
    Ok(start.elapsed())
}

/// Steps of `size` covering `len` items: the ranges `alternate` hands out.
pub fn step_range(step: usize, size: usize, len: usize) -> std::ops::Range<usize> {
    let start = (step * size).min(len);
    start..(start + size).min(len)
}

/// Number of steps of `size` needed to cover `len` items.
pub fn steps(size: usize, len: usize) -> usize {
    len.div_ceil(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_cover_every_item_once() {
        for (size, len) in [(100, 1000), (100, 1050), (1000, 5), (7, 0)] {
            let covered: Vec<usize> = (0..steps(size, len))
                .flat_map(|s| step_range(s, size, len))
                .collect();
            assert_eq!(
                covered,
                (0..len).collect::<Vec<_>>(),
                "size {size}, len {len}"
            );
        }
    }

    #[test]
    fn alternate_runs_both_sides_for_every_step_in_turn() {
        let log = std::cell::RefCell::new(Vec::new());
        alternate(
            3,
            |s| {
                log.borrow_mut().push(('v', s));
                Ok(())
            },
            |s| {
                log.borrow_mut().push(('b', s));
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(
            log.into_inner(),
            vec![('v', 0), ('b', 0), ('b', 1), ('v', 1), ('v', 2), ('b', 2)]
        );
    }

    #[test]
    fn rotate_moves_the_first_side_every_step() {
        let log = std::cell::RefCell::new(Vec::new());
        let side = |c: char| {
            let log = &log;
            move |s: usize| {
                log.borrow_mut().push((c, s));
                Ok(())
            }
        };
        let (mut a, mut b, mut c) = (side('a'), side('b'), side('c'));
        let t = rotate(3, &mut [&mut a, &mut b, &mut c]).unwrap();
        assert_eq!(t.len(), 3);
        let firsts: Vec<char> = log.borrow().chunks(3).map(|w| w[0].0).collect();
        assert_eq!(firsts, vec!['a', 'b', 'c']);
        assert_eq!(log.borrow().len(), 9);
    }

    #[test]
    fn alternate_stops_at_the_first_error() {
        let mut calls = 0;
        let r = alternate(
            5,
            |s| {
                if s == 1 {
                    anyhow::bail!("boom")
                } else {
                    Ok(())
                }
            },
            |_| {
                calls += 1;
                Ok(())
            },
        );
        assert!(r.is_err());
        assert_eq!(calls, 2);
    }
}
