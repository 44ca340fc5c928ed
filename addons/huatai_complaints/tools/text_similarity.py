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

import itertools
import math
import re
from collections import Counter

# runs of Chinese characters, and ASCII words (APP, ETF, 12386)
TOKEN = re.compile(r"[\u3400-\u9fff]+|[A-Za-z0-9]+")
# fewer meaningful characters than this: no proposal (noise, not evidence)
MIN_CHARS = 6
SMOOTH = 1.0


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


def _best_pair(link, clusters, threshold):
    best, pair = threshold, None
    for (a, b), total in link.items():
        score = total / (len(clusters[a]) * len(clusters[b]))
        if score >= best:
            best, pair = score, (a, b)
    return pair


def _merge_links(link, pair, lock):
    """The similarity sums once the clusters of ``pair`` are one (kept
    under the first key); a locked cluster never links to another."""
    a, b = pair
    merged_lock = lock.get(a) or lock.get(b)
    merged = {}
    for (x, y), total in link.items():
        if (x, y) == pair:
            continue
        if x in pair or y in pair:
            other = y if x in pair else x
            if merged_lock and lock.get(other):
                continue
            key = (min(a, other), max(a, other))
            merged[key] = merged.get(key, 0.0) + total
        else:
            merged[(x, y)] = total
    return merged, merged_lock


def average_linkage(vectors, comparable, threshold, locked=()):
    """Clusters (lists of indexes) of ``vectors``: repeatedly merge the two
    clusters whose average pairwise similarity is highest, while it reaches
    ``threshold``. ``comparable(i, j)`` says whether two items may be in one
    cluster at all (same type, within the time window): similarity 0 if not.
    ``locked``: groups of indexes that start as one cluster each and are
    never merged with one another (confirmed incidents).
    """
    clusters, owner, lock = _initial_clusters(len(vectors), locked)
    # sums of similarities between clusters, updated on each merge
    link = {}
    for (i, j), value in _similarities(vectors, comparable).items():
        a, b = sorted((owner[i], owner[j]))
        if a != b and not (lock.get(a) and lock.get(b)):
            link[(a, b)] = link.get((a, b), 0.0) + value
    while link:
        pair = _best_pair(link, clusters, threshold)
        if pair is None:
            break
        link, merged_lock = _merge_links(link, pair, lock)
        a, b = pair
        clusters[a].extend(clusters.pop(b))
        lock[a] = merged_lock
        lock.pop(b, None)
    return list(clusters.values())
