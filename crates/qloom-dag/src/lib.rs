//! The array forms that qloom's compiled kernels share.
//!
//! * [`RoutingDag`]: the operations of a circuit that matter for routing (two-qubit gates,
//!   wider gates and free nodes such as barriers and measurements), with their dependencies
//!   in compressed rows, in circuit order. It mirrors `qloom_routers.RoutingDag`.
//! * [`Coupling`]: the undirected view of a device's coupling graph with every distance
//!   computed once. It mirrors `qloom_routers.Coupling`.
//!
//! Both are built once per circuit / device on the Python side and reused by every kernel
//! call; kernels read them and never change them.

use std::collections::VecDeque;
use std::fmt;

/// Distance between qubits in different connected components (as `qloom_routers.UNREACHABLE`).
pub const UNREACHABLE: u32 = 1 << 20;

/// What a DAG node needs from the coupling graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Needs no coupling: barrier, measurement, conditioned one-qubit gate.
    Free,
    /// A two-qubit gate: executable when its qubits are coupled.
    Two,
    /// A gate on three or more qubits: executable only when they are pairwise coupled.
    Multi,
    /// A one-qubit gate kept as a node only to order groups of commuting gates (in a DAG
    /// that lets commuting gates go in any order): needs no coupling, and unlike `Free`
    /// it does not separate the two-qubit gates around it.
    One,
}

impl Kind {
    /// The kind numbered as in `qloom_routers.dag` (`FREE = 0`, `TWO = 1`, `MULTI = 2`,
    /// `ONE = 3`).
    pub fn from_code(code: u8) -> Option<Kind> {
        match code {
            0 => Some(Kind::Free),
            1 => Some(Kind::Two),
            2 => Some(Kind::Multi),
            3 => Some(Kind::One),
            _ => None,
        }
    }
}

/// Why arrays handed to a constructor do not form a DAG or a coupling graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShapeError(pub String);

impl fmt::Display for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ShapeError {}

fn shape(message: String) -> ShapeError {
    ShapeError(message)
}

/// Rows of `usize` in one flat vector (compressed sparse rows).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rows {
    offsets: Vec<usize>,
    items: Vec<usize>,
}

impl Rows {
    /// Rows from nested vectors.
    pub fn from_nested<R: AsRef<[usize]>>(rows: &[R]) -> Rows {
        let mut offsets = Vec::with_capacity(rows.len() + 1);
        let mut items = Vec::new();
        offsets.push(0);
        for row in rows {
            items.extend_from_slice(row.as_ref());
            offsets.push(items.len());
        }
        Rows { offsets, items }
    }

    /// Row `i`.
    #[inline]
    pub fn row(&self, i: usize) -> &[usize] {
        &self.items[self.offsets[i]..self.offsets[i + 1]]
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The routing DAG of a circuit over `num_wires` qubit wires.
#[derive(Clone, Debug)]
pub struct RoutingDag {
    num_wires: usize,
    kind: Vec<Kind>,
    qa: Vec<usize>,
    qb: Vec<usize>,
    qubits: Rows,
    succ: Rows,
    npred: Vec<u32>,
    num_two: usize,
}

impl RoutingDag {
    /// A DAG from per-node arrays, checked.
    ///
    /// `qubits[i]` are the qubit wires of node `i` (for a `Two` node its two wires, in
    /// order); `succ[i]` its successors (a cycle is found by the kernel that walks it).
    pub fn new(
        num_wires: usize,
        kind: Vec<Kind>,
        qubits: Rows,
        succ: Rows,
    ) -> Result<RoutingDag, ShapeError> {
        let n = kind.len();
        if qubits.len() != n || succ.len() != n {
            return Err(shape(format!(
                "{} kinds, {} qubit rows and {} successor rows: one of each per node",
                n,
                qubits.len(),
                succ.len()
            )));
        }
        let mut qa = vec![usize::MAX; n];
        let mut qb = vec![usize::MAX; n];
        let mut npred = vec![0u32; n];
        let mut num_two = 0;
        for i in 0..n {
            let qs = qubits.row(i);
            if let Some(&w) = qs.iter().find(|&&w| w >= num_wires) {
                return Err(shape(format!(
                    "node {i} acts on wire {w}, but there are {num_wires} wires"
                )));
            }
            match kind[i] {
                Kind::Two => {
                    if qs.len() != 2 || qs[0] == qs[1] {
                        return Err(shape(format!(
                            "node {i} is a two-qubit gate on wires {qs:?}"
                        )));
                    }
                    qa[i] = qs[0];
                    qb[i] = qs[1];
                    num_two += 1;
                }
                Kind::Multi if qs.len() < 3 => {
                    return Err(shape(format!("node {i} is a wide gate on wires {qs:?}")));
                }
                Kind::One if qs.len() != 1 => {
                    return Err(shape(format!(
                        "node {i} is a one-qubit gate on wires {qs:?}"
                    )));
                }
                _ => {}
            }
            for &s in succ.row(i) {
                if s == i || s >= n {
                    return Err(shape(format!(
                        "node {i} has successor {s}: another node, below {n}"
                    )));
                }
                npred[s] += 1;
            }
        }
        Ok(RoutingDag {
            num_wires,
            kind,
            qa,
            qb,
            qubits,
            succ,
            npred,
            num_two,
        })
    }

    /// The DAG of the reversed circuit: successors and predecessors exchanged.
    pub fn reversed(&self) -> RoutingDag {
        let n = self.len();
        let mut pred: Vec<Vec<usize>> = vec![Vec::new(); n];
        for i in 0..n {
            for &s in self.succ.row(i) {
                pred[s].push(i);
            }
        }
        // Node i of the reversed DAG is node i here; its successors are our predecessors.
        let npred = (0..n).map(|i| self.succ.row(i).len() as u32).collect();
        RoutingDag {
            num_wires: self.num_wires,
            kind: self.kind.clone(),
            qa: self.qa.clone(),
            qb: self.qb.clone(),
            qubits: self.qubits.clone(),
            succ: Rows::from_nested(&pred),
            npred,
            num_two: self.num_two,
        }
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.kind.len()
    }

    /// Whether the DAG has no nodes.
    pub fn is_empty(&self) -> bool {
        self.kind.is_empty()
    }

    /// Number of qubit wires.
    pub fn num_wires(&self) -> usize {
        self.num_wires
    }

    /// Number of two-qubit nodes.
    pub fn num_two(&self) -> usize {
        self.num_two
    }

    /// The kind of node `i`.
    #[inline]
    pub fn kind(&self, i: usize) -> Kind {
        self.kind[i]
    }

    /// The two wires of a `Two` node.
    #[inline]
    pub fn pair(&self, i: usize) -> (usize, usize) {
        (self.qa[i], self.qb[i])
    }

    /// The qubit wires of node `i`.
    #[inline]
    pub fn qubits(&self, i: usize) -> &[usize] {
        self.qubits.row(i)
    }

    /// The successors of node `i`.
    #[inline]
    pub fn succ(&self, i: usize) -> &[usize] {
        self.succ.row(i)
    }

    /// How many predecessors each node has.
    pub fn npred(&self) -> &[u32] {
        &self.npred
    }
}

/// The undirected view of a coupling graph over `0..num_qubits`, distances precomputed.
#[derive(Clone, Debug)]
pub struct Coupling {
    num_qubits: usize,
    neighbors: Rows,
    dist: Vec<u32>,
    diameter: u32,
}

impl Coupling {
    /// The coupling with the given couplings (either direction; self-loops are ignored).
    pub fn new(num_qubits: usize, edges: &[(usize, usize)]) -> Result<Coupling, ShapeError> {
        let mut adjacency: Vec<Vec<usize>> = vec![Vec::new(); num_qubits];
        for &(a, b) in edges {
            if a >= num_qubits || b >= num_qubits {
                return Err(shape(format!(
                    "coupling ({a}, {b}) names a qubit beyond {num_qubits} qubits"
                )));
            }
            if a != b {
                adjacency[a].push(b);
                adjacency[b].push(a);
            }
        }
        for row in &mut adjacency {
            row.sort_unstable();
            row.dedup();
        }
        let neighbors = Rows::from_nested(&adjacency);
        let mut dist = vec![UNREACHABLE; num_qubits * num_qubits];
        let mut queue = VecDeque::new();
        for source in 0..num_qubits {
            let row = &mut dist[source * num_qubits..(source + 1) * num_qubits];
            row[source] = 0;
            queue.push_back(source);
            while let Some(p) = queue.pop_front() {
                let step = row[p] + 1;
                for &q in neighbors.row(p) {
                    if row[q] == UNREACHABLE {
                        row[q] = step;
                        queue.push_back(q);
                    }
                }
            }
        }
        let diameter = dist
            .iter()
            .copied()
            .filter(|&d| d < UNREACHABLE)
            .max()
            .unwrap_or(0);
        Ok(Coupling {
            num_qubits,
            neighbors,
            dist,
            diameter,
        })
    }

    /// Number of physical qubits.
    pub fn num_qubits(&self) -> usize {
        self.num_qubits
    }

    /// Number of couplings on a shortest path from `a` to `b` (`UNREACHABLE` across components).
    #[inline]
    pub fn dist(&self, a: usize, b: usize) -> u32 {
        self.dist[a * self.num_qubits + b]
    }

    /// The distances from `a`, indexed by qubit.
    #[inline]
    pub fn dist_row(&self, a: usize) -> &[u32] {
        &self.dist[a * self.num_qubits..(a + 1) * self.num_qubits]
    }

    /// The qubits coupled to `p`, ascending.
    #[inline]
    pub fn neighbors(&self, p: usize) -> &[usize] {
        self.neighbors.row(p)
    }

    /// The longest finite distance (0 without couplings).
    pub fn diameter(&self) -> u32 {
        self.diameter
    }

    /// A shortest path `[a, ..., b]`, at each step the lowest-numbered closer qubit;
    /// `None` when `a` and `b` are in different components.
    pub fn shortest_path(&self, a: usize, b: usize) -> Option<Vec<usize>> {
        let to_b = self.dist_row(b);
        if to_b[a] >= UNREACHABLE {
            return None;
        }
        let mut path = vec![a];
        let mut here = a;
        while here != b {
            here = *self
                .neighbors(here)
                .iter()
                .find(|&&q| to_b[q] + 1 == to_b[here])
                .expect("a closer neighbour exists on a finite distance");
            path.push(here);
        }
        Some(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: usize) -> Coupling {
        let edges: Vec<_> = (1..n).map(|i| (i - 1, i)).collect();
        Coupling::new(n, &edges).unwrap()
    }

    #[test]
    fn line_distances_and_diameter() {
        let c = line(5);
        assert_eq!(c.dist(0, 4), 4);
        assert_eq!(c.dist(3, 1), 2);
        assert_eq!(c.dist(2, 2), 0);
        assert_eq!(c.diameter(), 4);
        assert_eq!(c.neighbors(2), &[1, 3]);
    }

    #[test]
    fn components_are_unreachable() {
        let c = Coupling::new(4, &[(0, 1), (2, 3), (3, 3)]).unwrap();
        assert_eq!(c.dist(0, 3), UNREACHABLE);
        assert_eq!(c.diameter(), 1);
        assert_eq!(c.shortest_path(0, 2), None);
        assert_eq!(c.neighbors(3), &[2]);
    }

    #[test]
    fn shortest_path_takes_lowest_closer_neighbour() {
        // A 2x3 grid: 0-1-2 over 3-4-5.
        let c =
            Coupling::new(6, &[(0, 1), (1, 2), (3, 4), (4, 5), (0, 3), (1, 4), (2, 5)]).unwrap();
        assert_eq!(c.shortest_path(0, 5), Some(vec![0, 1, 2, 5]));
        assert_eq!(c.shortest_path(5, 0), Some(vec![5, 2, 1, 0]));
        assert_eq!(c.shortest_path(4, 4), Some(vec![4]));
    }

    #[test]
    fn bad_coupling_is_refused() {
        assert!(Coupling::new(2, &[(0, 2)]).is_err());
    }

    fn chain() -> RoutingDag {
        // 0: cx(0,1) -> 1: cx(1,2) -> 2: barrier(0,1,2)
        RoutingDag::new(
            3,
            vec![Kind::Two, Kind::Two, Kind::Free],
            Rows::from_nested(&[vec![0, 1], vec![1, 2], vec![0, 1, 2]]),
            Rows::from_nested(&[vec![1, 2], vec![2], vec![]]),
        )
        .unwrap()
    }

    #[test]
    fn dag_counts_predecessors() {
        let dag = chain();
        assert_eq!(dag.npred(), &[0, 1, 2]);
        assert_eq!(dag.num_two(), 2);
        assert_eq!(dag.pair(1), (1, 2));
        assert_eq!(dag.kind(2), Kind::Free);
    }

    #[test]
    fn reversed_dag_exchanges_edges() {
        let rev = chain().reversed();
        assert_eq!(rev.npred(), &[2, 1, 0]);
        assert_eq!(rev.succ(2), &[0, 1]);
        assert_eq!(rev.succ(1), &[0]);
        assert!(rev.succ(0).is_empty());
    }

    #[test]
    fn bad_dags_are_refused() {
        let two = |qs: Vec<usize>, succ: Vec<usize>| {
            RoutingDag::new(
                3,
                vec![Kind::Two, Kind::Free],
                Rows::from_nested(&[qs, vec![0]]),
                Rows::from_nested(&[succ, vec![]]),
            )
        };
        assert!(two(vec![0, 1], vec![1]).is_ok());
        assert!(two(vec![0, 3], vec![1]).is_err());
        assert!(two(vec![1, 1], vec![1]).is_err());
        assert!(two(vec![0, 1], vec![0]).is_err());
        assert!(two(vec![0, 1], vec![5]).is_err());
        assert!(two(vec![0, 1], vec![2]).is_err());
        assert_eq!(Kind::from_code(3), Some(Kind::One));
        assert_eq!(Kind::from_code(4), None);
    }
}
