"""特色产业集群: communities of local enterprises, labelled by their chain links and places.

The graph: every local enterprise is a node; edges are SUPPLIES and COOPERATES_WITH ties between
local enterprises (either direction; repeated ties add up) and co-location in the same park. Each
park adds ``co_location`` to each of its enterprises in all, spread evenly over its park-mates, so
a big park does not swamp the ties. Weights, algorithm, seed, resolution and sizes live in the
``clusters`` section of ``graph/analysis.yaml``.

Algorithm: Louvain modularity (networkx ``louvain_communities``) with a fixed seed, on a graph
built in key order from the store projection — the same data and seed give the same clusters on
every store. ``greedy`` (``greedy_modularity_communities``) needs no seed but is slower.

A cluster is labelled by where its members are (a park holding at least ``place_share`` of them,
else the town holding most) and the chain its members' links belong to most, e.g.
"天镜湖·电竞游戏集群"; its dominant links, parks and towns are listed with counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass
from typing import Any

import networkx as nx
import pandas as pd

from tupu.graph.analyses import frames
from tupu.graph.analyses.cache import memo
from tupu.graph.analyses.wording import money_text
from tupu.graph.analyses.progress import judge
from tupu.graph.analyses.config import ClusterConfig, default_analysis_config
from tupu.graph.analyses.periods import revenue_summary
from tupu.graph.stores.store import GraphStore
from tupu.graph.analyses.strength import Locality, locality

TIE_TYPES = ("SUPPLIES", "COOPERATES_WITH")
COLUMNS = [
    "cluster", "label", "size", "above_scale", "revenue", "significant", "chain", "chain_name",
    "links", "parks", "towns", "internal_ties", "leader", "members", "description",
]


@dataclass(frozen=True)
class ClusterSummary:
    """How many clusters there are, counted against the plan's target (形成3-5个特色产业集群)."""

    clusters: int
    significant: int
    significant_size: int
    plan_min: int
    plan_max: int
    labels: tuple[str, ...]
    text: str

    @property
    def meets_plan(self) -> bool:
        """The plan's range judged by the one rule of :mod:`tupu.graph.analyses.progress` (the
        same as ``tupu targets``): reaching the lower bound completes it."""
        return judge("range", self.significant, low=self.plan_min,
                     high=self.plan_max).status == "met"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "labels": list(self.labels), "meets_plan": self.meets_plan}


def cluster_graph(store: GraphStore, cfg: ClusterConfig, where: Locality | None = None) -> nx.Graph:
    """The weighted, undirected graph of local enterprises the clusters are found in.

    Edge attributes: ``weight`` (ties and co-location) and ``ties`` (the number of SUPPLIES and
    COOPERATES_WITH relationships between the two).
    """
    where = where or locality(store)
    return _graph(store.queries().local_ties(TIE_TYPES), where, cfg)


def _graph(ties: Iterable[tuple[str, str, str]], where: Locality, cfg: ClusterConfig
           ) -> nx.Graph:
    """The cluster graph from the ties between local enterprises, (start, end, type) sorted."""
    local = where.local
    g = nx.Graph()
    g.add_nodes_from(sorted(local))
    weight = {"SUPPLIES": cfg.weights.supplies, "COOPERATES_WITH": cfg.weights.cooperates}
    for a, b, rtype in ties:
        if a == b or a not in local or b not in local:
            continue
        _add(g, a, b, weight[rtype], ties=1)
    by_park: dict[str, list[str]] = {}
    for key in sorted(local):
        park = where.park[key]
        if park is not None:
            by_park.setdefault(park, []).append(key)
    for _, keys in sorted(by_park.items()):
        if len(keys) < 2 or cfg.weights.co_location <= 0:
            continue
        w = cfg.weights.co_location / (len(keys) - 1)
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                _add(g, a, b, w, ties=0)
    return g


def _add(g: nx.Graph, a: str, b: str, weight: float, ties: int) -> None:
    if g.has_edge(a, b):
        g[a][b]["weight"] += weight
        g[a][b]["ties"] += ties
    else:
        g.add_edge(a, b, weight=weight, ties=ties)


def communities(g: nx.Graph, cfg: ClusterConfig) -> list[set[str]]:
    """The communities of ``g`` (every node in one), biggest first, then by smallest key."""
    if g.number_of_nodes() == 0:
        return []
    if cfg.algorithm == "louvain":
        found = nx.community.louvain_communities(
            g, weight="weight", resolution=cfg.resolution, seed=cfg.seed
        )
    else:
        found = nx.community.greedy_modularity_communities(
            g, weight="weight", resolution=cfg.resolution
        )
    return sorted((set(c) for c in found), key=lambda c: (-len(c), min(c)))


def short_place(name: str, cfg: ClusterConfig) -> str:
    """A park's or town's name as a cluster label says it: "天镜湖文化科技产业园" → "天镜湖"."""
    for long, abbreviation in cfg.place_abbreviations.items():
        name = name.replace(long, abbreviation)
    cut = len(name)
    for word in cfg.place_cut_words:
        at = name.find(word)
        if at >= 2:
            cut = min(cut, at)
    short = name[:cut]
    for suffix in cfg.place_suffixes:
        if short.endswith(suffix) and len(short) - len(suffix) >= 2:
            short = short[: -len(suffix)]
            break
    return short


def clusters(store: GraphStore, config: ClusterConfig | None = None) -> pd.DataFrame:
    """One row per cluster of at least ``min_size`` local enterprises, biggest first (module doc).

    Kept per version of the store's data (:mod:`tupu.graph.analyses.cache`): the community
    detection runs once after each load, not on every page that counts the clusters."""
    cfg = config or default_analysis_config().clusters
    return memo(store, "clusters", (cfg,), lambda: _clusters(store, cfg))


def _clusters(store: GraphStore, cfg: ClusterConfig) -> pd.DataFrame:
    where = locality(store)
    queries = store.queries()
    g = _graph(queries.local_ties(TIE_TYPES), where, cfg)
    found = [c for c in communities(g, cfg) if len(c) >= cfg.min_size]
    if not found:
        return pd.DataFrame(columns=COLUMNS)

    members_all = set().union(*found)
    profiles = {n.key: n.props for n in store.get_nodes("Enterprise", members_all)}
    ttm = revenue_summary(frames.enterprise_observations(store, members_all))
    revenue = dict(zip(ttm["enterprise"], ttm["ttm"], strict=True))
    structure = queries.chain_structure()
    lk = frames.links_of(structure)
    link_name = dict(zip(lk["link"], lk["name"], strict=True))
    link_chain = dict(zip(lk["link"], lk["chain"], strict=True))
    chain_name = dict(zip(lk["chain"], lk["chain_name"], strict=True))
    in_link: dict[str, set[str]] = {x: set() for x in lk["link"]}
    for m in queries.local_members(list(lk["link"])):  # the local side only
        for x in m.links:
            in_link[x].add(m.key)
    link_local = {x: m & where.local for x, m in in_link.items() if isinstance(link_chain.get(x), str)}
    places = {n.key: str(n.props.get("name", n.key))
              for label in ("Park", "Town") for n in store.find_nodes(label)}

    rows = []
    labels_seen: Counter[str] = Counter()
    for i, members in enumerate(found, start=1):
        scored = _link_scores(members, link_local, len(where.local))
        top_links = [(x, n) for x, n, _ in scored[: cfg.label_links]]
        chain = _theme(scored, link_chain)
        parks = _ranked(where.park[k] for k in members)
        towns = _ranked(where.town[k] for k in members)
        if parks and parks[0][1] >= cfg.place_share * len(members):
            place = short_place(places.get(parks[0][0], parks[0][0]), cfg)
        elif towns:
            place = short_place(places.get(towns[0][0], towns[0][0]), cfg)
        else:
            place = "本地"
        theme = str(chain_name[chain]) if chain is not None else "综合"
        label = f"{place}·{theme}集群"
        labels_seen[label] += 1
        if labels_seen[label] > 1:
            label = f"{label}（{labels_seen[label]}）"
        above = sum(1 for k in members if profiles.get(k, {}).get("above_scale") is True)
        rev = round(sum(float(revenue.get(k, 0.0)) for k in sorted(members)), 2)
        ties = sum(d["ties"] for _, _, d in g.subgraph(members).edges(data=True))
        leader = max(sorted(members), key=lambda k: revenue.get(k, 0.0))
        leader_name = str(profiles.get(leader, {}).get("name", leader))
        links_text = "、".join(f"{link_name[x]}({n})" for x, n in top_links)
        parks_text = "、".join(f"{places.get(p, p)}({n})" for p, n in parks)
        towns_text = "、".join(f"{places.get(t, t)}({n})" for t, n in towns)
        description = (
            f"{len(members)}家企业（规上{above}家），近四季营收{money_text(rev)}；"
            f"主导环节：{links_text or '无'}；集中于：{parks_text or towns_text or '无'}；"
            f"内部供应与合作关系{ties}条；龙头企业：{leader_name}"
        )
        rows.append({
            "cluster": i, "label": label, "size": len(members), "above_scale": above,
            "revenue": rev, "significant": len(members) >= cfg.significant_size,
            "chain": chain, "chain_name": chain_name.get(chain) if chain is not None else None,
            "links": links_text, "parks": parks_text, "towns": towns_text,
            "internal_ties": int(ties), "leader": leader_name,
            "members": ";".join(sorted(members)), "description": description,
        })
    return pd.DataFrame(rows, columns=COLUMNS)


def _link_scores(members: set[str], link_local: dict[str, set[str]],
                 n_local: int) -> list[tuple[str, int, float]]:
    """(link, members in it, score) for the links the cluster's members work in, best first.

    Links share sub-sectors, so a plain count favours broad links; the score is the count times
    the location quotient against all local enterprises: (members in the link) × (their share of
    the cluster) / (the link's share of all local enterprises). Ties: by link id.
    """
    scored = []
    for link, local in link_local.items():
        n = len(local & members)
        if n:
            scored.append((link, n, round(n * (n / len(members)) / (len(local) / n_local), 9)))
    return sorted(scored, key=lambda t: (-t[2], t[0]))


def _theme(scored: list[tuple[str, int, float]], link_chain: dict[str, Any]) -> str | None:
    """The chain whose links' scores add up to most (ties: by chain id): the cluster's theme."""
    total: dict[str, float] = {}
    for link, _, score in scored:
        chain = str(link_chain[link])
        total[chain] = total.get(chain, 0.0) + score
    return min(total, key=lambda c: (-round(total[c], 6), c)) if total else None


def _ranked(places: Iterable[str | None]) -> list[tuple[str, int]]:
    counts = Counter(p for p in places if p is not None)
    return sorted(counts.items(), key=lambda t: (-t[1], t[0]))


def summary(df: pd.DataFrame, config: ClusterConfig | None = None) -> ClusterSummary:
    """The clusters of :func:`clusters` counted against the plan's 3–5 (clusters of at least
    ``significant_size`` enterprises count)."""
    cfg = config or default_analysis_config().clusters
    sig = df[df["significant"]] if not df.empty else df
    n, k = len(df), len(sig)
    target = f"方案目标“形成{cfg.plan_min}-{cfg.plan_max}个特色产业集群”"
    st = judge("range", k, low=cfg.plan_min, high=cfg.plan_max, unit="个")
    verdict = st.status_zh + "，" + (st.note if st.status == "met"
                                     else f"尚差{cfg.plan_min - k}个")
    text = (f"识别出{n}个集群（不少于{cfg.min_size}家企业），其中{k}个达到{cfg.significant_size}家以上"
            f"的特色集群规模；对照{target}：{verdict}")
    if k:
        text += "（" + "、".join(str(x) for x in sig["label"]) + "）"
    return ClusterSummary(n, k, cfg.significant_size, cfg.plan_min, cfg.plan_max,
                          tuple(str(x) for x in sig["label"]), text)


def cluster_of(df: pd.DataFrame, enterprise: str) -> int | None:
    """The cluster number an enterprise belongs to in :func:`clusters`' result, or None."""
    for number, members in zip(df["cluster"], df["members"], strict=True):
        if enterprise in str(members).split(";"):
            return int(number)
    return None


def members_of(df: pd.DataFrame, cluster: int) -> Collection[str]:
    """The enterprise keys of one cluster of :func:`clusters`' result."""
    row = df[df["cluster"] == cluster]
    return [] if row.empty else str(row.iloc[0]["members"]).split(";")
