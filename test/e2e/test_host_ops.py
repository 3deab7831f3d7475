"""Ops whose output's shape depends on the data run on the host after the chip; the heavy math
before them stays on the chip. A small detector (strided convs, a box head, NMS, and the kept
boxes gathered as exporters write it) is the proof: every conv is a chip dispatch, NMS and the
data movement after it the host ops, and the report and the trace time them."""
import json

import numpy as np
import onnx
from onnx import TensorProto as T, helper as h, numpy_helper

from conftest import assert_clean_failure, run
from tessel.models import _conv2d

vi = h.make_tensor_value_info
GRID = 8  # the head's cells per side: 32x32 input, two stride-2 convs


def detector(seed=0):
    rng = np.random.default_rng(seed)
    f32 = lambda *s, scale=1.0: (rng.standard_normal(s) * scale).astype(np.float32)  # noqa: E731
    w1, b1 = f32(16, 3, 3, 3, scale=0.4), f32(16, scale=0.1)
    w2, b2 = f32(16, 16, 3, 3, scale=0.15), f32(16, scale=0.1)
    wh, bh = f32(5, 16, 1, 1, scale=0.3), f32(5, scale=0.1)
    cy, cx = np.meshgrid(np.arange(GRID) * 4 + 2, np.arange(GRID) * 4 + 2, indexing="ij")
    anchors = np.stack([cy - 3, cx - 3, cy + 3, cx + 3], -1).reshape(1, GRID * GRID, 4)
    anchors = anchors.astype(np.float32)
    consts = {"w1": w1, "b1": b1, "w2": w2, "b2": b2, "wh": wh, "bh": bh, "anchors": anchors,
              "scale": np.array(2.0, np.float32),
              "deltas_at": np.array([0], np.int64), "deltas_end": np.array([4], np.int64),
              "obj_end": np.array([5], np.int64), "channel": np.array([1], np.int64),
              "flat4": np.array([1, 4, GRID * GRID], np.int64),
              "flat1": np.array([1, 1, GRID * GRID], np.int64),
              "max_boxes": np.array([10], np.int64), "iou": np.array([0.3], np.float32),
              "min_score": np.array([0.5], np.float32), "two": np.array([2], np.int64),
              "three": np.array([3], np.int64), "zero": np.array([0], np.int64)}
    nodes = [
        h.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1],
                    strides=[2, 2]),
        h.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        h.make_node("Conv", ["r1", "w2", "b2"], ["c2"], name="conv2", pads=[1, 1, 1, 1],
                    strides=[2, 2]),
        h.make_node("Relu", ["c2"], ["r2"], name="relu2"),
        h.make_node("Conv", ["r2", "wh", "bh"], ["head"], name="head"),
        h.make_node("Slice", ["head", "deltas_at", "deltas_end", "channel"], ["d"], name="deltas"),
        h.make_node("Slice", ["head", "deltas_end", "obj_end", "channel"], ["o"], name="objectness"),
        h.make_node("Reshape", ["d", "flat4"], ["d4"], name="flatten_deltas"),
        h.make_node("Transpose", ["d4"], ["dt"], name="per_box", perm=[0, 2, 1]),
        h.make_node("Mul", ["dt", "scale"], ["ds"], name="scale_deltas"),
        h.make_node("Add", ["anchors", "ds"], ["boxes"], name="decode"),
        h.make_node("Reshape", ["o", "flat1"], ["o1"], name="flatten_scores"),
        h.make_node("Sigmoid", ["o1"], ["scores"], name="score"),
        h.make_node("NonMaxSuppression", ["boxes", "scores", "max_boxes", "iou", "min_score"],
                    ["selected"], name="nms"),
        h.make_node("Slice", ["selected", "two", "three", "channel"], ["box_column"],
                    name="box_column"),
        h.make_node("Squeeze", ["box_column", "channel"], ["box_ids"], name="box_ids"),
        h.make_node("Squeeze", ["boxes", "zero"], ["all_boxes"], name="all_boxes"),
        h.make_node("Gather", ["all_boxes", "box_ids"], ["kept"], name="kept", axis=0),
    ]
    graph = h.make_graph(
        nodes, "detector", [vi("x", T.FLOAT, [1, 3, 32, 32])],
        [vi("selected", T.INT64, ["n", 3]), vi("boxes", T.FLOAT, [1, GRID * GRID, 4]),
         vi("scores", T.FLOAT, [1, 1, GRID * GRID]), vi("kept", T.FLOAT, ["n", 4])],
        initializer=[numpy_helper.from_array(v, k) for k, v in consts.items()])
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", 13)])
    onnx.checker.check_model(model)

    def reference(x):
        y = np.maximum(_conv2d(x.astype(np.float64), w1, b1, 1)[:, :, ::2, ::2], 0)
        y = np.maximum(_conv2d(y, w2, b2, 1)[:, :, ::2, ::2], 0)
        y = _conv2d(y, wh, bh, 0)
        boxes = anchors + 2 * y[:, :4].reshape(1, 4, -1).transpose(0, 2, 1)
        scores = 1 / (1 + np.exp(-y[:, 4:].reshape(1, 1, -1)))
        return boxes, scores

    return model, reference


def nms(boxes, scores, max_boxes, iou_threshold, min_score):
    """ONNX's NonMaxSuppression for one batch and class, corner boxes: greedy, highest first."""
    def iou(a, b):
        ya, xa = sorted(a[0::2]), sorted(a[1::2])
        yb, xb = sorted(b[0::2]), sorted(b[1::2])
        inter = max(0, min(ya[1], yb[1]) - max(ya[0], yb[0])) * \
            max(0, min(xa[1], xb[1]) - max(xa[0], xb[0]))
        union = (ya[1] - ya[0]) * (xa[1] - xa[0]) + (yb[1] - yb[0]) * (xb[1] - xb[0]) - inter
        return inter / union
    order = [i for i in np.argsort(-scores, kind="stable") if scores[i] > min_score]
    kept = []
    for i in order:
        if len(kept) < max_boxes and all(iou(boxes[i], boxes[k]) <= iou_threshold for k in kept):
            kept.append(i)
    return np.array([[0, 0, i] for i in kept], np.int64).reshape(-1, 3)


def test_detector_convs_on_chip_nms_on_host(tmp):
    model, reference = detector()
    onnx.save(model, tmp / "det.onnx")
    run(["tt-compile", tmp / "det.onnx", "-o", tmp / "det.ttb", "--precision=fp32"])
    dump = json.loads(run(["tt-translate", "--dump-ttb", tmp / "det.ttb"]).stdout)
    host_ops = [("nms", "NonMaxSuppression"), ("box_column", "Slice"), ("box_ids", "Squeeze"),
                ("kept", "Gather")]
    assert [(op["name"], op["op"]) for op in dump["host_ops"]] == host_ops
    locations = " ".join(d["location"] for d in dump["dispatches"])
    for conv in ("conv1", "conv2", "head"):
        assert conv in locations, f"{conv} is not computed on the chip"
    assert dump["outputs"][0]["from_host"] and dump["outputs"][0]["buffer"] is None

    x = np.random.default_rng(1).standard_normal((1, 3, 32, 32)).astype(np.float32)
    np.save(tmp / "x.npy", x)
    outs = [tmp / f"{n}.npy" for n in ("selected", "boxes", "scores", "kept")]
    run(["tt-run", tmp / "det.ttb", "--quiet", f"--input=@{tmp / 'x.npy'}",
         *[f"--output=@{o}" for o in outs], f"--perf-report={tmp / 'perf.json'}",
         f"--trace={tmp / 'trace.json'}"])
    selected, boxes, scores, kept = (np.load(o) for o in outs)
    want_boxes, want_scores = reference(x)
    np.testing.assert_allclose(boxes, want_boxes, rtol=1e-3, atol=1e-3)
    np.testing.assert_allclose(scores, want_scores, rtol=1e-3, atol=1e-4)
    # NMS on what the chip computed, as ONNX defines it.
    assert selected.dtype == np.int64
    np.testing.assert_array_equal(selected, nms(boxes[0], scores[0, 0], 10, 0.3, 0.5))
    assert 2 <= len(selected) <= 10
    np.testing.assert_array_equal(kept, boxes[0][selected[:, 2]])

    perf = json.loads((tmp / "perf.json").read_text())
    assert [(op["name"], op["op"]) for op in perf["host_ops"]] == host_ops
    assert perf["totals"]["host_ops"] == 4 and perf["totals"]["host_time_us"] > 0
    trace = json.loads((tmp / "trace.json").read_text())["traceEvents"]
    host = [e for e in trace if e.get("ph") == "X" and e["pid"] == -1]
    assert [e["name"] for e in host] == [name for name, _ in host_ops]
    chip_end = max(e["ts"] + e["dur"] for e in trace if e.get("ph") == "X" and e["pid"] == 0)
    assert host[0]["ts"] >= chip_end - 1e-3


def test_runtime_refuses_a_tampered_host_op(tmp):
    """The loader checks the host ops as it checks the kernels: an op it does not run is a clear
    error before anything runs."""
    model, _ = detector()
    onnx.save(model, tmp / "det.onnx")
    run(["tt-compile", tmp / "det.onnx", "-o", tmp / "det.ttb"])
    data = (tmp / "det.ttb").read_bytes()
    assert data.count(b"NonMaxSuppression") == 1
    (tmp / "bad.ttb").write_bytes(data.replace(b"NonMaxSuppression", b"NonMaxSuppressiom"))
    np.save(tmp / "x.npy", np.zeros((1, 3, 32, 32), np.float32))
    proc = run(["tt-run", tmp / "bad.ttb", f"--input=@{tmp / 'x.npy'}"], check=False)
    assert_clean_failure(proc, "host op 0 'nms'", "'NonMaxSuppressiom' is not an op the runtime "
                         "runs on the host")


def test_host_op_on_integer_input_keeps_its_type(tmp):
    """A model input goes to the host as given: NonZero over a uint8 mask, Compress of int32
    labels by it, with no trip through the chip."""
    nodes = [h.make_node("NonZero", ["mask"], ["where"], name="where"),
             h.make_node("Compress", ["labels", "mask"], ["kept"], name="keep", axis=0)]
    graph = h.make_graph(nodes, "ints", [vi("mask", T.UINT8, [5]), vi("labels", T.INT32, [5])],
                         [vi("where", T.INT64, [1, "n"]), vi("kept", T.INT32, ["n"])])
    onnx.save(h.make_model(graph, opset_imports=[h.make_opsetid("", 13)]), tmp / "m.onnx")
    run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb"])
    np.save(tmp / "mask.npy", np.array([0, 3, 0, 1, 1], np.uint8))
    np.save(tmp / "labels.npy", np.array([7, -8, 9, 1000000, 11], np.int32))
    run(["tt-run", tmp / "m.ttb", "--quiet", f"--input=@{tmp / 'mask.npy'}",
         f"--input=@{tmp / 'labels.npy'}", f"--output=@{tmp / 'where.npy'}",
         f"--output=@{tmp / 'kept.npy'}"])
    where, kept = np.load(tmp / "where.npy"), np.load(tmp / "kept.npy")
    assert where.dtype == np.int64 and kept.dtype == np.int32
    np.testing.assert_array_equal(where, [[1, 3, 4]])
    np.testing.assert_array_equal(kept, [-8, 1000000, 11])


def roi_pool_reference(x, rois, pooled, scale):
    """Caffe's ROI pooling, which ONNX's MaxRoiPool follows."""
    n_rois, channels = rois.shape[0], x.shape[1]
    height, width = x.shape[2:]
    y = np.zeros((n_rois, channels, *pooled), np.float32)
    for r, (b, x1, y1, x2, y2) in enumerate(rois):
        sx, sy, ex, ey = (int(np.round(v * scale)) for v in (x1, y1, x2, y2))
        bin_h = max(ey - sy + 1, 1) / pooled[0]
        bin_w = max(ex - sx + 1, 1) / pooled[1]
        for ph in range(pooled[0]):
            h0 = min(max(int(np.floor(ph * bin_h)) + sy, 0), height)
            h1 = min(max(int(np.ceil((ph + 1) * bin_h)) + sy, 0), height)
            for pw in range(pooled[1]):
                w0 = min(max(int(np.floor(pw * bin_w)) + sx, 0), width)
                w1 = min(max(int(np.ceil((pw + 1) * bin_w)) + sx, 0), width)
                if h1 > h0 and w1 > w0:
                    y[r, :, ph, pw] = x[int(b), :, h0:h1, w0:w1].max(axis=(1, 2))
    return y


def test_max_roi_pool_on_the_host_matches_caffes(tmp):
    """Regions of a conv's output, one of them partly and one wholly outside it (its bins 0)."""
    rng = np.random.default_rng(7)
    w = (rng.standard_normal((4, 3, 3, 3)) * 0.3).astype(np.float32)
    nodes = [h.make_node("Conv", ["x", "w"], ["f"], name="conv", pads=[1, 1, 1, 1]),
             h.make_node("MaxRoiPool", ["f", "rois"], ["y"], name="roi", pooled_shape=[3, 2],
                         spatial_scale=0.25)]
    graph = h.make_graph(nodes, "roi", [vi("x", T.FLOAT, [2, 3, 12, 10]),
                                        vi("rois", T.FLOAT, [4, 5])],
                         [vi("y", T.FLOAT, [4, 4, 3, 2])], [numpy_helper.from_array(w, "w")])
    onnx.save(h.make_model(graph, opset_imports=[h.make_opsetid("", 13)]), tmp / "roi.onnx")
    run(["tt-compile", tmp / "roi.onnx", "-o", tmp / "roi.ttb"])
    x = rng.standard_normal((2, 3, 12, 10)).astype(np.float32)
    rois = np.array([[0, 0, 0, 39, 47], [1, 8, 4, 30, 20], [1, 30, 40, 60, 70],
                     [0, 200, 200, 260, 280]], np.float32)
    np.save(tmp / "x.npy", x)
    np.save(tmp / "rois.npy", rois)
    proc = run(["tt-run", tmp / "roi.ttb", f"--input=@{tmp / 'x.npy'}",
                f"--input=@{tmp / 'rois.npy'}", f"--output=@{tmp / 'y.npy'}"])
    assert "MaxRoiPool" in proc.stderr
    f = np.zeros((2, 4, 12, 10), np.float64)
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (1, 1), (1, 1)))
    for i in range(3):
        for j in range(3):
            f += np.einsum("nchw,oc->nohw", xp[:, :, i:i + 12, j:j + 10], w[:, :, i, j])
    want = roi_pool_reference(f.astype(np.float32), rois, (3, 2), 0.25)
    np.testing.assert_allclose(np.load(tmp / "y.npy"), want, rtol=1e-5, atol=1e-5)
    assert (want[3] == 0).all()
