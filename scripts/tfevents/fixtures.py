"""Writes the TensorBoard logdirs the tfevents tests read (test/fixtures/tfevents/), with real Keras and PyTorch.

  python scripts/tfevents/fixtures.py keras   <out dir> [epochs]   # needs tensorflow (Keras 3)
  python scripts/tfevents/fixtures.py pytorch <out dir> [epochs]   # needs torch and tensorboard

Each writes its logdir and, beside it, expected.json: the values the framework itself computed (Keras' History,
the floats handed to SummaryWriter), which the tests compare with what Training Lens reads. The model is made to
overfit (few samples, wide layers, noisy labels) so the diagnosis has something to find.
"""
import json
import os
import sys

import numpy as np

SEED = 7


def data(n, d=8):
    rng = np.random.default_rng(SEED)
    x = rng.normal(size=(n, d)).astype("float32")
    w = rng.normal(size=(d,))
    y = ((x @ w + rng.normal(scale=2.0, size=n)) > 0).astype("float32")  # noisy labels: memorized, not learned
    return x, y


def keras_logdir(out, epochs):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(SEED)
    x, y = data(160)
    model = keras.Sequential(
        [
            keras.Input((x.shape[1],)),
            keras.layers.Dense(64, activation="relu", name="hidden"),
            keras.layers.Dense(1, activation="sigmoid", name="out"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    tb = keras.callbacks.TensorBoard(log_dir=out, histogram_freq=1, write_graph=False)
    history = model.fit(x, y, epochs=epochs, batch_size=16, validation_split=0.5, shuffle=False, callbacks=[tb], verbose=0)
    expected = {"framework": f"keras {keras.__version__}, tensorflow {tf.__version__}", "epochs": history.history}
    return expected


def pytorch_logdir(out, epochs):
    import torch
    from torch.utils.tensorboard import SummaryWriter

    torch.manual_seed(SEED)
    x, y = data(160)
    xt, yt = torch.tensor(x[:80]), torch.tensor(y[:80]).unsqueeze(1)
    xv, yv = torch.tensor(x[80:]), torch.tensor(y[80:]).unsqueeze(1)
    model = torch.nn.Sequential(torch.nn.Linear(8, 64), torch.nn.ReLU(), torch.nn.Linear(64, 1))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    lossf = torch.nn.BCEWithLogitsLoss()
    writer = SummaryWriter(log_dir=out)
    expected = {"framework": f"torch {torch.__version__}", "scalars": {}}

    def log(tag, value, step):
        writer.add_scalar(tag, value, step)
        expected["scalars"].setdefault(tag, []).append([step, value])

    step = 0
    for epoch in range(epochs):
        for i in range(0, 80, 16):
            opt.zero_grad()
            loss = lossf(model(xt[i : i + 16]), yt[i : i + 16])
            loss.backward()
            opt.step()
            log("Loss/train", loss.item(), step)
            step += 1
        for name, p in model.named_parameters():
            writer.add_histogram(f"weights/{name}", p, step, bins=30)
            writer.add_histogram(f"grads/{name}", p.grad, step, bins=30)
        with torch.no_grad():
            log("Loss/val", lossf(model(xv), yv).item(), step)
    writer.close()
    return expected


if __name__ == "__main__":
    kind, out = sys.argv[1], sys.argv[2]
    epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    expected = {"keras": keras_logdir, "pytorch": pytorch_logdir}[kind](out, epochs)
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
    print(f"{kind}: wrote {out}")
