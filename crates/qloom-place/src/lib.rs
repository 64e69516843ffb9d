//! The SABRE layout search of `placers:sabre` (Li, Ding & Xie 2019): every trial and its
//! confirmation routings in one call.
//!
//! [`place`] builds the starting layouts ([`starts`]: structured ones, then seeded random
//! ones), fits the work into the gate budget ([`fit`]), runs each trial's forward and
//! backward count-only routings ([`qloom_sabre::route`]) on threads, routes the best
//! layouts a few more times and returns the layout whose routing needed fewest swaps. It is
//! the loop `qloom_placers.sabre` ran in Python, draw for draw: trial `t` draws from
//! `random.Random(derive_seed(seed, "sabre-layout", t))`, its routing at step `s` from
//! `random.Random(derive_seed(seed, "sabre-layout", t, s))` ([`seeds`]), so a seed gives
//! the same layout as before, on any number of threads.

pub mod seeds;
pub mod starts;

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use qloom_dag::{Coupling, RoutingDag};
use qloom_sabre::{route, Heuristic, Mt19937, RouteError};
use seeds::{derive, CONFIRM_SALT, LAYOUT_SALT};

pub use starts::NoRoom;

/// How many of the best layouts get confirmation routings.
pub const LEADERS: usize = 4;

/// What the search is asked to do (the placer's options, seeds derived by the caller).
#[derive(Clone, Debug)]
pub struct Plan {
    /// The circuit's width: wires `0..width` are placed, the rest are idle.
    pub width: usize,
    /// A long simple path of the device for the structured starts; `None`: no structured
    /// starts (the option is off).
    pub path: Option<Vec<usize>>,
    /// Trials from random layouts (before the budget).
    pub trials: usize,
    /// Backward-and-forward refinements per trial (before the budget).
    pub iterations: usize,
    /// Confirmation routings of each leader (before the budget).
    pub confirm: usize,
    /// Cap on routed two-qubit gates; `None` lifts it.
    pub budget: Option<u64>,
    /// The pass's seed as little-endian 32-bit words (not empty): every generator's seed
    /// is derived from it ([`seeds::derive`]).
    pub seed: Vec<u32>,
}

/// The chosen layout and the routing that scored it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    /// Swaps of the routing that scored the layout.
    pub swaps: u64,
    /// `layout[w]`: physical qubit of wire `w` (a full permutation).
    pub layout: Vec<usize>,
    /// The seed of that routing's generator.
    pub seed: u64,
}

/// Why the search stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlaceError {
    /// A routing failed (the first failing one, in the serial order).
    Route(RouteError),
    /// A random layout could not keep a group of interacting wires in one component.
    NoRoom(NoRoom),
    /// No trial to run (no structured start and no random trial).
    NoTrials,
    /// The inputs do not fit together (no seed, a path off the device).
    BadInput(String),
}

impl fmt::Display for PlaceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlaceError::Route(err) => err.fmt(f),
            PlaceError::NoRoom(r) => write!(
                f,
                "the circuit's qubits interact in groups of sizes {:?} but the coupling \
                 graph's connected components have sizes {:?}: a group of {} interacting \
                 qubits fits in no component with room left",
                r.groups, r.components, r.group
            ),
            PlaceError::NoTrials => f.write_str("no layout to try: give it trials >= 1"),
            PlaceError::BadInput(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for PlaceError {}

impl From<RouteError> for PlaceError {
    fn from(err: RouteError) -> Self {
        PlaceError::Route(err)
    }
}

/// A scored layout: its routing's rank ([`qloom_sabre::RouteResult::rank`]: swaps or
/// merged entangler cost, then two-qubit depth), trial, the layout, the routing seed and
/// its swaps.
type Scored = ((u64, u64), usize, Vec<usize>, u64, u64);

/// `(trials, iterations, confirm)` cut down so all routings fit in `budget` gates
/// (`_fit`): confirmation gets at most a fifth, then the structured starts keep as many
/// iterations as fit, then random trials take what is left (at least one trial in all).
pub fn fit(
    budget: u64,
    gates: usize,
    starts: usize,
    trials: usize,
    iterations: usize,
    confirm: usize,
) -> (usize, usize, usize) {
    let mut allowed = (budget as i64).div_euclid(gates.max(1) as i64).max(1);
    let confirm = (confirm as i64).min(allowed.div_euclid(5 * LEADERS as i64));
    allowed -= confirm * LEADERS as i64;
    let per_trial = 2 * iterations as i64 + 1;
    let starts = starts as i64;
    if starts * per_trial > allowed {
        let iterations = (allowed.div_euclid(starts) - 1).div_euclid(2).max(0);
        return (0, iterations as usize, confirm as usize);
    }
    let spare = (allowed - starts * per_trial).div_euclid(per_trial);
    let floor = if starts > 0 { 0 } else { 1 };
    let trials = (trials as i64).min(spare.max(floor));
    (trials as usize, iterations, confirm as usize)
}

/// The generator `random.Random(seed)` starts with.
pub fn generator(seed: u64) -> Mt19937 {
    let (low, high) = (seed as u32, (seed >> 32) as u32);
    if high == 0 {
        Mt19937::from_key(&[low])
    } else {
        Mt19937::from_key(&[low, high])
    }
}

/// The structured starting layouts (only on a connected device): the greedy embedding in
/// interaction order, the trivial layout, then the interaction order and the wire order
/// along `path`; duplicates dropped.
pub fn structured(
    width: usize,
    pairs: &[((usize, usize), u64)],
    coupling: &Coupling,
    path: &[usize],
) -> Vec<Vec<usize>> {
    let n = coupling.num_qubits();
    let order = starts::interaction_order(width, pairs, None);
    let mut out = vec![
        starts::greedy(&order, pairs, coupling, None),
        (0..n).collect(),
    ];
    let wires: Vec<usize> = (0..width).collect();
    for logical in [&order, &wires] {
        if let Some(layout) = starts::along_path(logical, path, n) {
            out.push(layout);
        }
    }
    let mut unique: Vec<Vec<usize>> = Vec::new();
    for layout in out {
        if !unique.contains(&layout) {
            unique.push(layout);
        }
    }
    unique
}

/// Run `tasks` jobs on up to `threads` threads; the results in job order.
fn parallel<T: Send>(tasks: usize, threads: usize, job: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let slots: Vec<Mutex<Option<T>>> = (0..tasks).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let threads = threads.clamp(1, tasks.max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= tasks {
                    break;
                }
                let out = job(i);
                *slots[i].lock().expect("no job panicked") = Some(out);
            });
        }
    });
    slots
        .into_iter()
        .map(|s| {
            s.into_inner()
                .expect("no job panicked")
                .expect("every job ran")
        })
        .collect()
}

/// The SABRE layout search: the layout whose forward routing of `dag` needs fewest swaps
/// (or, when `heuristic` costs swaps, adds fewest entanglers after resynthesis; then
/// lowest depth, then earliest trial). `backward` is the reversed DAG.
pub fn place(
    dag: &RoutingDag,
    backward: &RoutingDag,
    coupling: &Coupling,
    heuristic: &Heuristic,
    plan: &Plan,
    threads: usize,
) -> Result<Placement, PlaceError> {
    let n = coupling.num_qubits();
    if let Some(path) = &plan.path {
        let mut seen = vec![false; n];
        for &p in path {
            if p >= n || std::mem::replace(&mut seen[p], true) {
                return Err(PlaceError::BadInput(format!(
                    "the path is not a simple path of 0..{n}: {p}"
                )));
            }
        }
    }
    if plan.seed.is_empty() {
        return Err(PlaceError::BadInput("no seed: give its words".into()));
    }
    if plan.width > n || dag.num_wires() != n || backward.num_wires() != n {
        return Err(PlaceError::BadInput(format!(
            "width {} and DAG wires {} for {n} qubits",
            plan.width,
            dag.num_wires()
        )));
    }
    if backward.len() != dag.len() {
        return Err(PlaceError::BadInput(format!(
            "backward has {} nodes, the DAG {}: it must be the DAG reversed",
            backward.len(),
            dag.len()
        )));
    }
    let component = starts::components(coupling);
    let connected = component.iter().all(|&c| c == 0);
    let pairs = starts::interactions(dag);
    let groups = starts::groups(dag, plan.width);
    let structured = match &plan.path {
        Some(path) if connected => structured(plan.width, &pairs, coupling, path),
        _ => Vec::new(),
    };
    let (trials, iterations, confirm) = match plan.budget {
        Some(budget) => fit(
            budget,
            dag.num_two(),
            structured.len(),
            plan.trials,
            plan.iterations,
            plan.confirm,
        ),
        None => (plan.trials, plan.iterations, plan.confirm),
    };
    let total = structured.len() + trials;
    if total == 0 {
        return Err(PlaceError::NoTrials);
    }
    let run_trial = |trial: usize| -> Result<Vec<Scored>, PlaceError> {
        let mut rng = generator(derive(&plan.seed, &[LAYOUT_SALT, trial as u64]));
        let mut layout = if trial < structured.len() {
            structured[trial].clone()
        } else {
            let index = trial - structured.len();
            if index % 2 == 1 && connected {
                let order = starts::interaction_order(plan.width, &pairs, Some(&mut rng));
                starts::greedy(&order, &pairs, coupling, Some(&mut rng))
            } else {
                starts::random_layout(&mut rng, &groups, &component, plan.width)
                    .map_err(PlaceError::NoRoom)?
            }
        };
        let mut out = Vec::with_capacity(iterations + 1);
        for step in 0..=iterations {
            let seed = derive(&plan.seed, &[LAYOUT_SALT, trial as u64, step as u64]);
            let result = route(
                dag,
                coupling,
                &layout,
                heuristic,
                &mut generator(seed),
                false,
            )?;
            out.push((result.rank(heuristic), trial, layout, seed, result.swaps));
            if step == iterations {
                break;
            }
            layout = route(
                backward,
                coupling,
                &result.final_layout,
                heuristic,
                &mut rng,
                false,
            )?
            .final_layout;
        }
        Ok(out)
    };
    let mut scored: Vec<Scored> = Vec::new();
    for result in parallel(total, threads, run_trial) {
        scored.extend(result?);
    }
    scored.sort_by_key(|s| (s.0, s.1));
    let mut leaders: Vec<&Scored> = Vec::new();
    for entry in &scored {
        if leaders.len() == LEADERS {
            break;
        }
        if leaders.iter().all(|other| other.2 != entry.2) {
            leaders.push(entry);
        }
    }
    let runs = leaders.len() * confirm;
    let run_confirm = |i: usize| -> Result<Scored, PlaceError> {
        let (rank, repeat) = (i / confirm, i % confirm);
        let seed = derive(&plan.seed, &[CONFIRM_SALT, rank as u64, repeat as u64]);
        let (_, trial, layout, _, _) = leaders[rank];
        let result = route(
            dag,
            coupling,
            layout,
            heuristic,
            &mut generator(seed),
            false,
        )?;
        Ok((
            result.rank(heuristic),
            *trial,
            layout.clone(),
            seed,
            result.swaps,
        ))
    };
    let mut best = scored[0].clone();
    for entry in parallel(runs, threads, run_confirm) {
        let entry = entry?;
        if (entry.0, entry.1) < (best.0, best.1) {
            best = entry;
        }
    }
    Ok(Placement {
        swaps: best.4,
        layout: best.2,
        seed: best.3,
    })
}

#[cfg(test)]
mod tests;
