#!/usr/bin/env python3
"""neurite's CLI against scikit-learn's MLP on real tables, on the same held-out rows.

For each dataset Debian's python3-sklearn ships (iris, wine, breast cancer, diabetes) and each
split seed: a stratified (classification) or shuffled (regression) 25 % test split is written
as train.csv / test.csv; `neurite train train.csv --target <column>` (no other option) and
`neurite evaluate` on test.csv give neurite's figure; scikit-learn's MLPClassifier /
MLPRegressor with its defaults, on inputs standardized by a StandardScaler fitted on the
training rows, gives the peer's. Prints a Markdown table (test accuracy, or test R²) and the
mean over seeds. scikit-learn is used only here, never by the tests.

Run: npm run tables [-- --seeds 1,2,3]   (builds, then python3 bench/tables.py)
"""
import argparse, csv, os, re, subprocess, sys, tempfile, time, warnings

try:
    import numpy as np
    import sklearn  # noqa: F401
except ImportError:
    # Debian's python3-sklearn lives with the system Python; another python3 on the PATH lacks it.
    if os.path.exists('/usr/bin/python3') and os.path.realpath(sys.executable) != os.path.realpath('/usr/bin/python3'):
        os.execv('/usr/bin/python3', ['/usr/bin/python3', *sys.argv])
    sys.exit('bench/tables.py needs scikit-learn: apt-get install python3-sklearn')
from sklearn import datasets
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.compose import TransformedTargetRegressor
from sklearn.preprocessing import StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(ROOT, 'dist', 'cli', 'main.js')


def tables():
    ir = datasets.load_iris()
    wine = datasets.load_wine()
    bc = datasets.load_breast_cancer()
    di = datasets.load_diabetes(scaled=False)
    clean = lambda names: [re.sub(r'[^A-Za-z0-9]+', '_', n).strip('_') for n in names]
    return [
        ('iris', clean(ir.feature_names), ir.data, [ir.target_names[t] for t in ir.target], 'species', True),
        ('wine', clean(wine.feature_names), wine.data, [f'cultivar_{t}' for t in wine.target], 'cultivar', True),
        ('breast cancer', clean(bc.feature_names), bc.data, [bc.target_names[t] for t in bc.target], 'diagnosis', True),
        ('diabetes', clean(di.feature_names), di.data, list(di.target), 'progression', False),
    ]


def write(path, names, x, y, target):
    with open(path, 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(names + [target])
        for row, t in zip(x, y):
            w.writerow([repr(float(v)) for v in row] + [t])


def neurite(train, test, target, out, extra):
    t0 = time.time()
    r = subprocess.run(['node', CLI, 'train', train, '--target', target, '--out', out, *extra], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f'neurite train failed: {r.stderr}')
    seconds = time.time() - t0
    e = subprocess.run(['node', CLI, 'evaluate', out, test], capture_output=True, text=True)
    if e.returncode != 0:
        sys.exit(f'neurite evaluate failed: {e.stderr}')
    m = re.search(r'accuracy ([\d.]+)', e.stdout) or re.search(r'R² (-?[\d.]+)', e.stdout)
    return float(m.group(1)), seconds


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--seeds', default='1,2,3,4,5')
    p.add_argument('--args', default='', help='extra options for neurite train, to try other settings (the table is for none)')
    p.add_argument('--only', default='', help='comma-separated dataset names')
    a = p.parse_args()
    seeds = [int(s) for s in a.seeds.split(',')]
    extra = a.args.split()
    warnings.filterwarnings('ignore', category=ConvergenceWarning)
    print('| dataset | rows | task | seed | neurite | scikit-learn MLP | neurite train (s) |')
    print('|---|---|---|---|---|---|---|')
    summary = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, names, x, y, target, classify in tables():
            if a.only and name not in a.only.split(','):
                continue
            ours, theirs, scaled_scores = [], [], []
            for seed in seeds:
                yy = np.array(y, dtype=object)
                xtr, xte, ytr, yte = train_test_split(x, yy, test_size=0.25, random_state=seed, stratify=yy if classify else None)
                train, test = os.path.join(tmp, 'train.csv'), os.path.join(tmp, 'test.csv')
                write(train, names, xtr, ytr, target)
                write(test, names, xte, yte, target)
                score, seconds = neurite(train, test, target, os.path.join(tmp, 'model'), extra)
                peer = make_pipeline(StandardScaler(), (MLPClassifier if classify else MLPRegressor)(random_state=seed))
                peer.fit(xtr, list(ytr) if classify else ytr.astype(float))
                peer_score = peer.score(xte, list(yte) if classify else yte.astype(float))
                scaled = ''
                if not classify:
                    # Beside the defaults: the same MLP with its target standardized too, as neurite does.
                    t = TransformedTargetRegressor(make_pipeline(StandardScaler(), MLPRegressor(random_state=seed)), transformer=StandardScaler())
                    t.fit(xtr, ytr.astype(float))
                    scaled_scores.append(t.score(xte, yte.astype(float)))
                    scaled = f' (target standardized: {scaled_scores[-1]:.4f})'
                ours.append(score)
                theirs.append(peer_score)
                print(f'| {name} | {len(x)} | {"accuracy" if classify else "R²"} | {seed} | {score:.4f} | {peer_score:.4f}{scaled} | {seconds:.1f} |', flush=True)
            summary.append((name, 'accuracy' if classify else 'R²', np.mean(ours), np.mean(theirs), np.mean(scaled_scores) if scaled_scores else None))
    print()
    print(f'Means over split seeds {",".join(map(str, seeds))}:')
    print()
    print('| dataset | measure on the test rows | neurite | scikit-learn MLP | neurite − scikit-learn |')
    print('|---|---|---|---|---|')
    for name, measure, a, b, c in summary:
        print(f'| {name} | {measure} | {a:.4f} | {b:.4f} | {a - b:+.4f} |')
        if c is not None:
            print(f'| {name} | {measure}, scikit-learn with its target standardized too | {a:.4f} | {c:.4f} | {a - c:+.4f} |')


if __name__ == '__main__':
    main()
