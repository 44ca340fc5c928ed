"""Similarity of short Chinese complaint texts, for incident and duplicate
proposals (issue 16). Pure functions, no database.

What was measured (bench/README.md, "Incident proposals"): character
unigrams and bigrams weighted by TF-IDF, with the document frequencies taken
over the texts compared plus a reference sample of ordinary complaints,
clustered by average linkage. Segmenting words with jieba did no better on
paraphrased texts (a paraphrase shares characters more often than words) and
adds a dependency; PostgreSQL's pg_trgm only builds trigrams of alphanumeric
words, which for Chinese text are whole clauses.
"""

import heapq
import itertools
import math
import re
from collections import Counter

# runs of Chinese characters, and ASCII words (APP, ETF, 12386)
TOKEN = re.compile(r"[\u3400-\u9fff]+|[A-Za-z0-9]+")
# fewer meaningful characters than this: no proposal (noise, not evidence)
MIN_CHARS = 6
SMOOTH = 1.0
# how much the terms most complaints of a cluster use outweigh the others
SHARPNESS = 4
# two texts this similar say the same in the same words (copies)
COPY = 0.5


def meaningful_length(text):
    return sum(len(run) for run in TOKEN.findall(text or ""))


def grams(text):
    """Character unigrams and bigrams of the Chinese runs, lower-cased ASCII
    words, with their counts."""
    out = Counter()
    for run in TOKEN.findall(text or ""):
        if run.isascii():
            out[run.lower()] += 1
            continue
        out.update(run)
        out.update(run[i : i + 2] for i in range(len(run) - 1))
    return out


def tfidf_vectors(texts, reference=()):
    """Unit TF-IDF vectors of ``texts``; the document frequencies count the
    ``reference`` texts too, so that what every complaint says (times of
    day, demands) weighs little."""
    counts = [grams(text) for text in texts]
    df = Counter(g for c in counts for g in c)
    for text in reference:
        df.update(grams(text).keys())
    total = len(counts) + len(reference) + 1
    vectors = []
    for c in counts:
        # smoothed: a term in every text compared still counts a little
        vec = {
            g: (1 + math.log(n)) * (math.log(total / (df[g] + 1)) + SMOOTH)
            for g, n in c.items()
        }
        norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
        vectors.append({g: x / norm for g, x in vec.items()})
    return vectors


def cosine(a, b):
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(g, 0.0) for g, x in a.items())


def _similarities(vectors, comparable):
    n = len(vectors)
    sim = {}
    for i, j in itertools.combinations(range(n), 2):
        if comparable(i, j):
            value = cosine(vectors[i], vectors[j])
            if value > 0:
                sim[(i, j)] = value
    return sim


def _initial_clusters(n, locked):
    """{cluster key: indexes}, {index: cluster key}, {cluster key: locked}."""
    owner = list(range(n))
    clusters, lock = {}, {}
    for group in locked:
        group = list(group)
        if group:
            clusters[group[0]] = group
            lock[group[0]] = True
            for i in group:
                owner[i] = group[0]
    for i in range(n):
        if owner[i] == i and i not in clusters:
            clusters[i] = [i]
    return clusters, owner, lock


def _pairs(n):
    return n * (n - 1) / 2


def _links(vectors, comparable, clusters, owner, lock):
    """Sums of similarities between clusters (``link[a][b]``, both ways)
    and inside them (``inner[a]``); locked clusters never link."""
    link = {key: {} for key in clusters}
    inner = dict.fromkeys(clusters, 0.0)
    for (i, j), value in _similarities(vectors, comparable).items():
        a, b = owner[i], owner[j]
        if a == b:
            inner[a] += value
        elif not (lock.get(a) and lock.get(b)):
            link[a][b] = link[b][a] = link[a].get(b, 0.0) + value
    return link, inner


def _merge(pair, clusters, link, inner, lock):
    """Merge the second cluster of ``pair`` into the first: its links are
    added to the first's; a locked result drops its links to locked ones."""
    a, b = pair
    inner[a] += inner.pop(b) + link[a].pop(b)
    merged_lock = bool(lock.get(a) or lock.get(b))
    for other, total in link.pop(b).items():
        if other == a:
            continue
        del link[other][b]
        link[a][other] = link[other][a] = link[a].get(other, 0.0) + total
    if merged_lock:
        for other in [o for o in link[a] if lock.get(o)]:
            del link[a][other], link[other][a]
    clusters[a].extend(clusters.pop(b))
    lock[a] = merged_lock
    lock.pop(b, None)


def average_linkage(vectors, comparable, threshold, locked=(), cohesion=0.0):
    """Clusters (lists of indexes) of ``vectors``: repeatedly merge the two
    clusters whose average pairwise similarity is highest, while it reaches
    ``threshold``. ``comparable(i, j)`` says whether two items may be in one
    cluster at all (same type, within the time window): similarity 0 if not.
    ``cohesion``: a merge never leaves a cluster whose complaints resemble
    one another less than this on average (two events whose link reaches
    the threshold stay two), except into a locked cluster. ``locked``:
    groups of indexes that start as one cluster each and are never merged
    with one another (confirmed incidents).

    The candidate merges wait in a heap, each with the versions of its two
    clusters: a merge changes only the links of the merged cluster, so an
    entry whose clusters changed since is stale and skipped, and one that
    fails the cohesion stays failed until one of its clusters changes (then
    it is pushed again). A window of n complaints costs O(n² log n), not
    a scan of every link at each merge.
    """
    clusters, owner, lock = _initial_clusters(len(vectors), locked)
    link, inner = _links(vectors, comparable, clusters, owner, lock)
    version = dict.fromkeys(clusters, 0)
    heap = []

    def push(a, b):
        a, b = min(a, b), max(a, b)
        score = link[a][b] / (len(clusters[a]) * len(clusters[b]))
        if score >= threshold:
            heapq.heappush(heap, (-score, a, b, version[a], version[b]))

    for a, others in link.items():
        for b in others:
            if a < b:
                push(a, b)
    while heap:
        _score, a, b, version_a, version_b = heapq.heappop(heap)
        if version.get(a) != version_a or version.get(b) != version_b:
            continue  # stale: one of the two merged since
        total = link[a][b]
        locked_pair = lock.get(a) or lock.get(b)
        size = len(clusters[a]) + len(clusters[b])
        if not locked_pair and (inner[a] + inner[b] + total) / _pairs(size) < cohesion:
            continue
        _merge((a, b), clusters, link, inner, lock)
        version[a] += 1
        del version[b]
        for other in link[a]:
            push(a, other)
    return list(clusters.values())


def _shared_terms(total, used, n):
    """The unit vector of what ``n`` complaints have in common, from the sum
    of their vectors (``total``) and how many use each term (``used``): each
    term's mean weight times the share of the complaints using it to the
    power ``SHARPNESS`` — the words most of them use ("登录" in every
    complaint about a login failure), not what some of them add ("提示",
    "失败" also said of failed orders)."""
    profile = {
        g: (x / n) * (used[g] / n) ** SHARPNESS for g, x in total.items() if used[g] > 0
    }
    norm = math.sqrt(sum(x * x for x in profile.values())) or 1.0
    return {g: x / norm for g, x in profile.items()}


def _sums(vectors, indexes):
    total, used = Counter(), Counter()
    for i in indexes:
        total.update(vectors[i])
        used.update(vectors[i].keys())
    return total, used


def _own_score(vectors, i, cluster, sums, floor, cache):
    """How well item ``i`` matches what the *other* complaints of its
    cluster share: its copies (the same words, cosine at least ``COPY``)
    left out, so that a group of copies does not hold itself together; a
    cluster of copies only: ``floor``. ``cache``: the shared terms of the
    rest, per group of copies (a burst repeats the same words)."""
    copies = tuple(j for j in cluster if cosine(vectors[i], vectors[j]) >= COPY)
    rest = len(cluster) - len(copies)
    if rest <= 0:
        return floor
    if copies not in cache:
        total, used = Counter(sums[0]), Counter(sums[1])
        for j in copies:
            total.subtract(vectors[j])
            used.subtract(vectors[j].keys())
        cache[copies] = _shared_terms(total, used, rest)
    return cosine(vectors[i], cache[copies])


def reassign(vectors, clusters, comparable, threshold, locked=(), rounds=3, minimum=3):
    """Clusters after each item of a cluster of at least ``minimum`` items
    moved to the one whose shared terms it matches best: a group of
    paraphrases that average linkage joined to the wrong event (sharing its
    generic words: "系统提示…失败") goes to the event whose key word it uses
    ("委托"); a cluster of copies joins the one it matches at least at
    ``threshold``. Items of ``locked`` groups stay where they are; smaller
    clusters are left as they are."""
    fixed = {i for group in locked for i in group}
    clusters = [list(c) for c in clusters]
    for _round in range(rounds):
        large = [list(c) for c in clusters if len(c) >= minimum]
        small = [c for c in clusters if len(c) < minimum]
        sums = [_sums(vectors, c) for c in large]
        profiles = [_shared_terms(*s, len(c)) for s, c in zip(sums, large, strict=True)]
        moves = []
        for k, cluster in enumerate(large):
            cache = {}
            for i in cluster:
                if i in fixed:
                    continue
                best = _own_score(vectors, i, cluster, sums[k], threshold, cache)
                target = k
                for m, other in enumerate(large):
                    if m == k or not all(comparable(i, j) for j in other):
                        continue
                    score = cosine(vectors[i], profiles[m])
                    if score > best:
                        best, target = score, m
                if target != k:
                    moves.append((i, k, target))
        if not moves:
            break
        for i, source, target in moves:
            large[source].remove(i)
            large[target].append(i)
        clusters = [c for c in large if c] + small
    return clusters
