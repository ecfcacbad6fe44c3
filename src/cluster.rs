//! Clusters: connected components of the verified pairs.
//!
//! 1. A union-find (disjoint-set forest) over document indices, with path halving and union by
//!    size (Tarjan 1975): near-linear in the number of pairs.
//! 2. Every verified pair unites its two documents.
//! 3. Components of two or more documents are the clusters. Members are listed in ascending
//!    index order and clusters are ordered by size (largest first), then by their first member,
//!    so the output does not depend on the order the pairs arrived in.

/// A disjoint-set forest over `0..n`.
#[derive(Clone, Debug)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    /// `n` singleton sets.
    pub fn new(n: usize) -> UnionFind {
        UnionFind {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    /// The representative of `x`'s set.
    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }

    /// Merges the sets of `a` and `b`; returns false when they were already one.
    pub fn union(&mut self, a: u32, b: u32) -> bool {
        let (mut ra, mut rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        if self.size[ra as usize] < self.size[rb as usize] {
            std::mem::swap(&mut ra, &mut rb);
        }
        self.parent[rb as usize] = ra;
        self.size[ra as usize] += self.size[rb as usize];
        true
    }
}

/// The connected components (of two or more members) of the graph on `0..n` with `edges`.
pub fn components(n: usize, edges: impl IntoIterator<Item = (u32, u32)>) -> Vec<Vec<u32>> {
    let mut uf = UnionFind::new(n);
    for (a, b) in edges {
        uf.union(a, b);
    }
    let mut by_root: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
    for x in 0..n as u32 {
        let r = uf.find(x);
        by_root.entry(r).or_default().push(x);
    }
    let mut out: Vec<Vec<u32>> = by_root.into_values().filter(|c| c.len() > 1).collect();
    out.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_transitive_and_ordered() {
        let c = components(7, [(5, 6), (0, 1), (1, 2), (3, 3)]);
        assert_eq!(c, vec![vec![0, 1, 2], vec![5, 6]]);
    }

    #[test]
    fn order_of_edges_does_not_matter() {
        let a = components(6, [(0, 5), (2, 3), (5, 1)]);
        let b = components(6, [(5, 1), (2, 3), (0, 5)]);
        assert_eq!(a, b);
        assert_eq!(a[0], vec![0, 1, 5]);
    }

    #[test]
    fn union_reports_merges() {
        let mut uf = UnionFind::new(3);
        assert!(uf.union(0, 1));
        assert!(!uf.union(1, 0));
        assert_eq!(uf.find(0), uf.find(1));
    }
}
