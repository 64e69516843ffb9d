//! Expected values come from the Python code this crate ports (`qloom_placers.sabre`,
//! `qloom_placers.starts`), printed with the commands quoted beside them.

use super::*;
use qloom_dag::{Kind, Rows};

fn line(n: usize) -> Coupling {
    let edges: Vec<_> = (1..n).map(|i| (i - 1, i)).collect();
    Coupling::new(n, &edges).unwrap()
}

fn heuristic() -> Heuristic {
    Heuristic {
        lookahead: 20,
        lookahead_weight: 0.5,
        layer_weights: vec![3, 2, 1],
        decay: 0.001,
        decay_reset: 5,
        release: 60,
        max_swaps: None,
        swap_cost_weight: 0.0,
    }
}

/// A DAG of two-qubit gates on `pairs`, in order, over `n` wires, and its reverse.
fn gates(n: usize, pairs: &[(usize, usize)]) -> (RoutingDag, RoutingDag) {
    let mut last = vec![usize::MAX; n];
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); pairs.len()];
    for (i, &(a, b)) in pairs.iter().enumerate() {
        for w in [a, b] {
            if last[w] != usize::MAX && !succ[last[w]].contains(&i) {
                succ[last[w]].push(i);
            }
            last[w] = i;
        }
    }
    let qubits: Vec<Vec<usize>> = pairs.iter().map(|&(a, b)| vec![a, b]).collect();
    let dag = RoutingDag::new(
        n,
        vec![Kind::Two; pairs.len()],
        Rows::from_nested(&qubits),
        Rows::from_nested(&succ),
    )
    .unwrap();
    let backward = dag.reversed();
    (dag, backward)
}

/// The pairs of `Counter({(0,1):2, (1,2):1, (2,3):1, (0,3):1, (4,5):1})`.
fn pairs() -> Vec<((usize, usize), u64)> {
    vec![
        ((0, 1), 2),
        ((1, 2), 1),
        ((2, 3), 1),
        ((0, 3), 1),
        ((4, 5), 1),
    ]
}

#[test]
fn fit_matches_python() {
    // from qloom_placers.sabre import _fit; _fit(*args)
    assert_eq!(fit(200_000, 1000, 4, 32, 3, 4), (22, 3, 4));
    assert_eq!(fit(200_000, 50_000, 4, 32, 3, 4), (0, 0, 0));
    assert_eq!(fit(200_000, 150_000, 3, 32, 3, 4), (0, 0, 0));
    assert_eq!(fit(200_000, 10, 0, 32, 3, 4), (32, 3, 4));
    assert_eq!(fit(200_000, 300_000, 0, 32, 3, 4), (1, 3, 0));
    assert_eq!(fit(100, 10, 4, 32, 3, 4), (0, 0, 0));
}

#[test]
fn generator_seeds_as_python() {
    // random.Random(seed).random() for 63-, 1- and 33-bit seeds
    assert_eq!(
        generator(5_525_035_842_532_591_282).random(),
        0.3121473837577383
    );
    assert_eq!(generator(0).random(), 0.8444218515250481);
    assert_eq!(generator(1 << 32).random(), 0.11299430095636409);
    assert_eq!(generator(123_456_789).random(), 0.6414006161858726);
}

#[test]
fn starts_match_python() {
    let c = line(8);
    // interaction_order(6, pairs)
    let order = starts::interaction_order(6, &pairs(), None);
    assert_eq!(order, vec![2, 1, 3, 0, 5, 4]);
    // greedy(interaction_order(6, pairs), pairs, Coupling(8, line))
    assert_eq!(
        starts::greedy(&order, &pairs(), &c, None),
        vec![5, 4, 3, 2, 0, 1, 6, 7]
    );
    // r = random.Random(7); o = interaction_order(6, pairs, r); greedy(o, pairs, c, r)
    let mut r = generator(7);
    let order = starts::interaction_order(6, &pairs(), Some(&mut r));
    assert_eq!(order, vec![0, 1, 3, 2, 4, 5]);
    assert_eq!(
        starts::greedy(&order, &pairs(), &c, Some(&mut r)),
        vec![6, 5, 4, 7, 3, 2, 0, 1]
    );
}

#[test]
fn random_layout_keeps_groups_in_components() {
    let c = Coupling::new(8, &[(0, 1), (1, 2), (2, 3), (4, 5), (5, 6), (6, 7)]).unwrap();
    let component = starts::components(&c);
    assert_eq!(component, vec![0, 0, 0, 0, 1, 1, 1, 1]);
    // random_layout(random.Random(3), [[0, 1, 2, 3], [4, 5]], c, 6)
    let groups = vec![vec![0, 1, 2, 3], vec![4, 5]];
    let layout = starts::random_layout(&mut generator(3), &groups, &component, 6).unwrap();
    assert_eq!(layout, vec![0, 1, 3, 2, 6, 5, 7, 4]);
    let err = starts::random_layout(&mut generator(3), &[vec![0, 1, 2, 3, 4]], &component, 6)
        .unwrap_err();
    assert_eq!(
        err,
        NoRoom {
            groups: vec![5],
            components: vec![4, 4],
            group: 5
        }
    );
}

#[test]
fn groups_and_interactions_follow_the_gates() {
    let (dag, _) = gates(6, &[(0, 3), (1, 2), (3, 0), (2, 4)]);
    assert_eq!(
        starts::interactions(&dag),
        vec![((0, 3), 2), ((1, 2), 1), ((2, 4), 1)]
    );
    assert_eq!(
        starts::groups(&dag, 6),
        vec![vec![1, 2, 4], vec![0, 3], vec![5]]
    );
}

fn plan(width: usize, path: Option<Vec<usize>>, trials: usize) -> Plan {
    let iterations = 2;
    let confirm = 3;
    Plan {
        width,
        path,
        trials,
        iterations,
        confirm,
        budget: None,
        seed: vec![7],
    }
}

#[test]
fn placement_does_not_depend_on_threads() {
    let pairs = [
        (0, 4),
        (1, 3),
        (0, 2),
        (4, 1),
        (2, 3),
        (0, 3),
        (1, 4),
        (2, 0),
    ];
    let (dag, backward) = gates(7, &pairs);
    let c = line(7);
    let p = plan(5, Some((0..7).collect()), 6);
    let one = place(&dag, &backward, &c, &heuristic(), &p, 1).unwrap();
    for threads in [2, 3, 8] {
        assert_eq!(
            place(&dag, &backward, &c, &heuristic(), &p, threads).unwrap(),
            one
        );
    }
    let mut sorted = one.layout.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..7).collect::<Vec<_>>());
}

#[test]
fn a_chain_along_the_path_needs_no_swaps() {
    let (dag, backward) = gates(6, &[(0, 1), (1, 2), (2, 3)]);
    let c = line(6);
    let p = plan(4, Some(vec![5, 4, 3, 2, 1, 0]), 2);
    let out = place(&dag, &backward, &c, &heuristic(), &p, 2).unwrap();
    assert_eq!(out.swaps, 0);
}

#[test]
fn errors_are_reported() {
    let (dag, backward) = gates(4, &[(0, 1)]);
    let c = line(4);
    let mut p = plan(2, None, 0);
    assert_eq!(
        place(&dag, &backward, &c, &heuristic(), &p, 2),
        Err(PlaceError::NoTrials)
    );
    p.trials = 1;
    p.seed.clear();
    assert!(matches!(
        place(&dag, &backward, &c, &heuristic(), &p, 2),
        Err(PlaceError::BadInput(_))
    ));
    let split = Coupling::new(4, &[(0, 1), (2, 3)]).unwrap();
    let (wide, wide_back) = gates(4, &[(0, 1), (1, 2)]);
    // a backward DAG that is not this DAG's reverse
    assert!(matches!(
        place(&dag, &wide_back, &c, &heuristic(), &plan(2, None, 1), 2),
        Err(PlaceError::BadInput(_))
    ));
    let p = plan(3, None, 1);
    assert!(matches!(
        place(&wide, &wide_back, &split, &heuristic(), &p, 2),
        Err(PlaceError::NoRoom(_))
    ));
}
