"""Reads a logdir run with TensorBoard's own EventAccumulator and prints its scalars and histograms as JSON:
{"scalars": {tag: [[step, value], ...]}, "histograms": {tag: [[step, [counts...], [limits...]], ...]}}.
Used by test/unit/tfevents-python.test.ts to check that TensorBoard reads what Training Lens writes."""
import json
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

acc = EventAccumulator(sys.argv[1], size_guidance={"scalars": 0, "histograms": 0})
acc.Reload()
tags = acc.Tags()
out = {
    "scalars": {t: [[s.step, s.value] for s in acc.Scalars(t)] for t in tags["scalars"]},
    "histograms": {
        t: [[h.step, list(h.histogram_value.bucket), list(h.histogram_value.bucket_limit)] for h in acc.Histograms(t)]
        for t in tags["histograms"]
    },
}
json.dump(out, sys.stdout)
