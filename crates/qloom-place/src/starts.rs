//! Starting layouts of the SABRE layout search, as `qloom_placers.starts` made them.
//!
//! Every draw is `random.Random.random()` ([`Mt19937::random`]) in the order the Python
//! code drew, so a seed gives the same layout as before. A layout is a full permutation:
//! wire `w` -> physical qubit, wires beyond the circuit's width being idle.

use qloom_dag::{Coupling, Kind, RoutingDag, UNREACHABLE};
use qloom_sabre::Mt19937;

/// How many gates act on each pair of wires `(a, b)`, `a < b` (3+ qubit gates count once
/// for each pair), in order of first appearance.
pub fn interactions(dag: &RoutingDag) -> Vec<((usize, usize), u64)> {
    let mut index = std::collections::HashMap::new();
    let mut out: Vec<((usize, usize), u64)> = Vec::new();
    for node in 0..dag.len() {
        if matches!(dag.kind(node), Kind::Free | Kind::One) {
            continue;
        }
        let wires = dag.qubits(node);
        for (i, &a) in wires.iter().enumerate() {
            for &b in &wires[i + 1..] {
                let key = if a < b { (a, b) } else { (b, a) };
                let slot = *index.entry(key).or_insert_with(|| {
                    out.push((key, 0));
                    out.len() - 1
                });
                out[slot].1 += 1;
            }
        }
    }
    out
}

/// The circuit's wires `0..width` grouped by the gates that connect them: each group
/// ascending, largest group first, then by lowest wire.
pub fn groups(dag: &RoutingDag, width: usize) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..width).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for node in 0..dag.len() {
        if matches!(dag.kind(node), Kind::Free | Kind::One) {
            continue;
        }
        let wires = dag.qubits(node);
        let root = find(&mut parent, wires[0]);
        for &w in &wires[1..] {
            let other = find(&mut parent, w);
            if other != root {
                parent[other] = root;
            }
        }
    }
    let mut by_root: Vec<Vec<usize>> = vec![Vec::new(); width];
    for q in 0..width {
        let root = find(&mut parent, q);
        by_root[root].push(q);
    }
    let mut out: Vec<Vec<usize>> = by_root.into_iter().filter(|g| !g.is_empty()).collect();
    out.sort_by_key(|g| (std::cmp::Reverse(g.len()), g[0]));
    out
}

/// `component[p]` numbers the connected component of physical `p` in order of each
/// component's lowest qubit (as `qloom_routers.Coupling.component`).
pub fn components(coupling: &Coupling) -> Vec<usize> {
    let n = coupling.num_qubits();
    let mut label = vec![usize::MAX; n];
    let mut count = 0;
    for start in 0..n {
        if label[start] != usize::MAX {
            continue;
        }
        for (q, &d) in coupling.dist_row(start).iter().enumerate() {
            if d < UNREACHABLE {
                label[q] = count;
            }
        }
        count += 1;
    }
    label
}

/// Fisher-Yates with `rng.random()` only (`qloom_placers.starts.shuffle`).
pub fn shuffle(rng: &mut Mt19937, items: &mut [usize]) {
    for i in (1..items.len()).rev() {
        let j = (rng.random() * (i + 1) as f64) as usize;
        items.swap(i, j);
    }
}

/// The wires `0..width` in Cuthill-McKee order of the interaction graph
/// (`interaction_order`): each connected group walked breadth-first from a peripheral wire,
/// or with `rng` from a random wire of the group; groups largest first, then idle wires.
pub fn interaction_order(
    width: usize,
    pairs: &[((usize, usize), u64)],
    mut rng: Option<&mut Mt19937>,
) -> Vec<usize> {
    let mut adjacency: Vec<Vec<usize>> = vec![Vec::new(); width];
    for &((a, b), _) in pairs {
        adjacency[a].push(b);
        adjacency[b].push(a);
    }
    let degree: Vec<usize> = adjacency.iter().map(Vec::len).collect();
    for row in &mut adjacency {
        row.sort_by_key(|&x| (degree[x], x));
    }
    let mut starts: Vec<usize> = (0..width).collect();
    starts.sort_by_key(|&q| (degree[q], q));
    let mut seen = vec![false; width];
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for start in starts {
        if seen[start] || degree[start] == 0 {
            continue;
        }
        let group = sweep(&adjacency, start);
        let first = match rng.as_deref_mut() {
            None => group[group.len() - 1],
            Some(r) => group[(r.random() * group.len() as f64) as usize],
        };
        let order = sweep(&adjacency, first);
        for &q in &order {
            seen[q] = true;
        }
        groups.push(order);
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.len()));
    let mut out: Vec<usize> = groups.into_iter().flatten().collect();
    out.extend((0..width).filter(|&q| !seen[q]));
    out
}

fn sweep(adjacency: &[Vec<usize>], start: usize) -> Vec<usize> {
    let mut order = vec![start];
    let mut seen = vec![false; adjacency.len()];
    seen[start] = true;
    let mut i = 0;
    while i < order.len() {
        for &q in &adjacency[order[i]] {
            if !seen[q] {
                seen[q] = true;
                order.push(q);
            }
        }
        i += 1;
    }
    order
}

/// A full layout from `placed` (`(wire, physical)` pairs): the other wires take the free
/// physical qubits in increasing order.
pub fn complete(placed: &[(usize, usize)], n: usize) -> Vec<usize> {
    let mut layout = vec![usize::MAX; n];
    let mut used = vec![false; n];
    for &(w, p) in placed {
        layout[w] = p;
        used[p] = true;
    }
    let mut free = (0..n).filter(|&p| !used[p]);
    for p in &mut layout {
        if *p == usize::MAX {
            *p = free.next().expect("a free qubit per unplaced wire");
        }
    }
    layout
}

/// Wire `order[i]` on `path[i]`; `None` when the path is shorter than `order`.
pub fn along_path(order: &[usize], path: &[usize], n: usize) -> Option<Vec<usize>> {
    if path.len() < order.len() {
        return None;
    }
    let placed: Vec<(usize, usize)> = order.iter().copied().zip(path.iter().copied()).collect();
    Some(complete(&placed, n))
}

/// Each wire of `order` on the free physical qubit nearest its placed partners
/// (`greedy`): the first on the most central qubit (with `rng`: a random one), ties to the
/// more central qubit, then the lower rank (with `rng`: a shuffled rank).
pub fn greedy(
    order: &[usize],
    pairs: &[((usize, usize), u64)],
    coupling: &Coupling,
    rng: Option<&mut Mt19937>,
) -> Vec<usize> {
    let n = coupling.num_qubits();
    let mut rank: Vec<usize> = (0..n).collect();
    let random = rng.is_some();
    if let Some(r) = rng {
        shuffle(r, &mut rank);
    }
    let width = order.iter().max().map_or(0, |&m| m + 1);
    let mut partners: Vec<Vec<(usize, u64)>> = vec![Vec::new(); width];
    for &((a, b), count) in pairs {
        partners[a].push((b, count));
        partners[b].push((a, count));
    }
    let central: Vec<u64> = (0..n)
        .map(|p| coupling.dist_row(p).iter().map(|&d| d as u64).sum())
        .collect();
    let mut at = vec![usize::MAX; width];
    let mut placed: Vec<(usize, usize)> = Vec::new();
    let mut free = vec![true; n];
    for &wire in order {
        let anchors: Vec<(usize, u64)> = partners[wire]
            .iter()
            .filter(|&&(w, _)| at[w] != usize::MAX)
            .map(|&(w, c)| (at[w], c))
            .collect();
        let candidates = (0..n).filter(|&p| free[p]);
        let target = if placed.is_empty() {
            if random {
                candidates.min_by_key(|&p| rank[p])
            } else {
                candidates.min_by_key(|&p| (central[p], rank[p]))
            }
        } else if !anchors.is_empty() {
            candidates.min_by_key(|&p| {
                let row = coupling.dist_row(p);
                let pull: u64 = anchors.iter().map(|&(q, c)| c * row[q] as u64).sum();
                (pull, central[p], rank[p])
            })
        } else {
            candidates.min_by_key(|&p| {
                let row = coupling.dist_row(p);
                let near = placed.iter().map(|&(_, q)| row[q]).min();
                (near, central[p], rank[p])
            })
        }
        .expect("a free qubit per wire");
        at[wire] = target;
        placed.push((wire, target));
        free[target] = false;
    }
    complete(&placed, n)
}

/// Why no random layout keeps each group of interacting wires in one component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoRoom {
    /// Sizes of the groups of interacting wires.
    pub groups: Vec<usize>,
    /// Sizes of the coupling graph's components, largest first.
    pub components: Vec<usize>,
    /// Size of the group that fits nowhere.
    pub group: usize,
}

/// A random layout keeping each group of interacting wires in one coupled component
/// (`random_layout`).
pub fn random_layout(
    rng: &mut Mt19937,
    groups: &[Vec<usize>],
    component: &[usize],
    width: usize,
) -> Result<Vec<usize>, NoRoom> {
    let n = component.len();
    let count = component.iter().max().map_or(0, |&c| c + 1);
    if count <= 1 {
        let mut layout: Vec<usize> = (0..n).collect();
        shuffle(rng, &mut layout);
        return Ok(layout);
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (p, &c) in component.iter().enumerate() {
        members[c].push(p);
    }
    let mut free = members.clone();
    for ps in &mut free {
        shuffle(rng, ps);
    }
    let mut layout = vec![usize::MAX; n];
    for group in groups {
        // The roomiest component, the lowest-numbered on ties.
        let room = (0..count)
            .max_by_key(|&c| (free[c].len(), std::cmp::Reverse(c)))
            .expect("a component");
        if group.len() > free[room].len() {
            let mut sizes: Vec<usize> = members.iter().map(Vec::len).collect();
            sizes.sort_unstable_by(|a, b| b.cmp(a));
            return Err(NoRoom {
                groups: groups.iter().map(Vec::len).collect(),
                components: sizes,
                group: group.len(),
            });
        }
        for &q in group {
            layout[q] = free[room].pop().expect("room checked");
        }
    }
    let mut rest: Vec<usize> = free.into_iter().flatten().collect();
    shuffle(rng, &mut rest);
    for slot in layout.iter_mut().skip(width) {
        *slot = rest.pop().expect("a qubit per idle wire");
    }
    Ok(layout)
}
