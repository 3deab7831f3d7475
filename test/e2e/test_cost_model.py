"""The matmul cost model of tt-choose-op-configs, checked against the simulator.

A sweep of matmul blockings over square, MLP-shaped and convolution-shaped (im2col) problems, and
implicit GEMMs whose reader gathers a 3x3 convolution's windows from the image (`lhs = gather`),
some with the lhs (or the image) produced by an op before and kept in L1 by the pass, is
compiled with each blocking forced, run with tt-run, and the cycles the simulator charges are
compared with the estimate the pass recorded. The model must rank the blockings as the simulator
does and be close to it: that is what lets the pass choose for us.
"""
import json
import random
import re

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from conftest import BIN, run

DST_TILES = 8          # bf16 Dst: 16 tiles, half of them per subblock
L1_BUDGET = 1368064    # wormhole_b0's L1 left to kernels
TILE = 2048            # bf16 tile bytes

# (M, K, N): square; a batch of activations times weights; the im2col GEMMs of ResNet-50's
# 3x3 convolutions (56x56x64, 28x28x128, 14x14x256) and of a 1x1 expansion; at batch 1, the
# weight streams of its last 1x1 convolution and of its classifier.
SHAPES = [(512, 512, 512), (1024, 1024, 1024), (256, 1024, 2048), (32, 1024, 1024),
          (128, 768, 3072), (3136, 576, 64), (784, 1152, 128), (224, 2304, 256),
          (3136, 64, 256), (96, 196, 9, 1), (49, 2048, 512), (1, 2048, 1000),
          (4, 49, 1152, 512)]
# Batched ones are (batch, M, K, N): the per-group matmuls of a 3x3 depthwise convolution over
# 96 channels of 14x14, and the partial products of a 3x3 convolution from 512 to 512 channels
# over 7x7 split four ways along K, which groups of cores compute at once.

# (height, width, channels, output channels): ResNet-50's 3x3 convolutions as implicit GEMMs.
IMAGES = [(56, 56, 64, 64), (28, 28, 128, 128), (14, 14, 256, 256)]


def divisors(n, limit=None):
    return [d for d in range(1, min(n, limit or n) + 1) if n % d == 0]


def rectangle(cores):
    for w in range(min(cores, 8), 0, -1):
        if cores % w == 0 and cores // w <= 8:
            return w, cores // w
    return None


def k_chunks(kt, shorter_first=True):
    """The K chunk lengths the pass tries: those that divide K, and (but where a one-dimensional
    grid multicasts) those that leave a shorter first chunk of a power of two tiles in two to
    four chunks."""
    out = set(divisors(kt))
    for n in (2, 3, 4) if shorter_first else ():
        first = 1
        while first * n < kt:
            if (kt - first) % (n - 1) == 0 and (kt - first) // (n - 1) > first:
                out.add((kt - first) // (n - 1))
            first *= 2
    return sorted(out)


def l1_bytes(bm, bn, sm, sn, kc, kt):
    """The circular buffers of a blocking: two consecutive chunks of both operands (the first
    chunk is the shorter where k_chunk does not divide K), output subblocks, and the partial
    sums between chunks."""
    chunks = -(-kt // kc)
    pair = kc + (kt - (chunks - 1) * kc if chunks == 2 else kc)
    return (pair * bm + pair * bn + 2 * sm * sn + (bm * bn if chunks > 1 else 0)) * TILE


def blockings(*shape):
    """Every blocking tt-choose-op-configs would consider, as config tuples."""
    batch, (m, k, n) = (shape[0] if len(shape) == 4 else 1), shape[-3:]
    mt, kt, nt = -(-m // 32), -(-k // 32), -(-n // 32)
    grids = [(gm, gn, gn, gm) for gm in divisors(mt, 8) for gn in divisors(nt, 8)
             if gm > 1 and gn > 1]
    grids += [(1, gn, *rectangle(gn)) for gn in divisors(nt, 64) if rectangle(gn)]
    grids += [(gm, 1, *rectangle(gm)) for gm in divisors(mt, 64) if gm > 1 and rectangle(gm)]
    out = []
    # A batch may go to groups of rectangles stacked in y.
    grids = [(*g, groups) for g in grids for groups in divisors(batch, 8) if g[3] * groups <= 8]
    for gm, gn, cx, cy, groups in grids:
        for bm in divisors(mt // gm):
            for bn in divisors(nt // gn):
                for sm in divisors(bm, DST_TILES):
                    sn = max(divisors(bn, DST_TILES // sm))
                    for kc in k_chunks(kt, gm > 1 and gn > 1):
                        if l1_bytes(bm, bn, sm, sn, kc, kt) > L1_BUDGET:
                            continue
                        config = (gm, gn, cx, cy, bm, bn, sm, sn, kc, "multicast")
                        out.append(config + ((groups,) if groups > 1 else ()))
    # Cores reading their own blocks take all the blocks in turn.
    for bm in divisors(mt):
        for bn in divisors(nt):
            for n in divisors(batch * (mt // bm) * (nt // bn), 64):
                if not rectangle(n):
                    continue
                for sm in divisors(bm, DST_TILES):
                    sn = max(divisors(bn, DST_TILES // sm))
                    for kc in k_chunks(kt):
                        if l1_bytes(bm, bn, sm, sn, kc, kt) <= L1_BUDGET:
                            out.append((n, 1, *rectangle(n), bm, bn, sm, sn, kc, "unicast"))
    return out


def attr(c, gather=False):
    groups = f", groups = {c[10]}" if len(c) > 10 else ""
    return (f"#grid.matmul_config<grid = [{c[0]}, {c[1]}], cores = [{c[2]}, {c[3]}], "
            f"block = [{c[4]}, {c[5]}], subblock = [{c[6]}, {c[7]}], k_chunk = {c[8]}{groups}, "
            f"operands = {c[9]}{', lhs = gather' if gather else ''}>")


def image_shape(image):
    h, w, c, n = image
    return (h * w, 9 * c, n)


def windows(x, h, w):
    """The 3x3 windows (padding 1) of an image given as rows of channels, taps side by side."""
    c = x.shape[1]
    padded = np.zeros((h + 2, w + 2, c), x.dtype)
    padded[1:-1, 1:-1] = x.reshape(h, w, c)
    return np.concatenate([padded[dy:dy + h, dx:dx + w].reshape(h * w, c)
                           for dy in range(3) for dx in range(3)], axis=1)


def estimate_and_simulate(tmp, shape, config, epilogue=None, image=None, l1=False, shards=False,
                          out_l1=False, residual_l1=False):
    """With `epilogue` "bias", the matmul also adds a bias per column and applies a ReLU;
    with "residual", it adds a residual of its result's shape too. With `image` (height, width,
    channels, output channels) the lhs is the 3x3 windows of an image, gathered by the reader.
    With `l1` the lhs (or the image) is a ReLU's result, which the pass keeps in L1; with
    `shards` too, sharded over the cores whose rows they are, which gather their windows from
    their own L1 and a neighbour's. With `out_l1` a ReLU reads the matmul's result, which
    then stays in L1 (sharded where each core writes one block). With `residual_l1` the residual
    is a ReLU's result too (sharded with `shards`, each core reading its residual in its own
    L1). Returns the estimate and the matmul dispatch's cycles."""
    if image:
        shape = image_shape(image)
    lead, (m, k, n) = list(shape[:-3]), shape[-3:]
    config_attr = f" {{grid.config = {attr(config, bool(image))}}}" if config else ""
    ta, tb, ty = ("x".join(map(str, lead + d)) for d in ([m, k], [k, n], [m, n]))
    lhs, remap = "%a", ""
    if l1:
        a_type = f"{m}x{image[2]}" if image else ta
        remap = f"  %h = graph.unary relu %a : tensor<{a_type}xf32> -> tensor<{a_type}xf32>\n"
        lhs = "%h"
    if image:
        h, w, c, _ = image
        tap = f"(d1 floordiv {c})"
        remap += (f"  %win = graph.remap {lhs} {{map = affine_map<(d0, d1) -> (d0 + ({tap} floordiv 3 - 1)"
                 f" * {w} + {tap} mod 3 - 1, d1 mod {c})>, guards = affine_map<(d0, d1) -> "
                 f"(d0 floordiv {w} + {tap} floordiv 3 - 1, d0 mod {w} + {tap} mod 3 - 1)>, "
                 f"guard_bounds = array<i64: {h}, {w}>}} : (tensor<{m}x{c}xf32>) -> "
                 f"tensor<{m}x{k}xf32>\n")
        lhs, ta_arg = "%win", f"{m}x{c}"
    else:
        ta_arg = ta
    bias_arg = f', %c: tensor<{n}xf32> {{graph.name = "c"}}' if epilogue else ""
    bias_type = f", tensor<{n}xf32>" if epilogue else ""
    if epilogue == "residual":
        bias_arg += f', %r: tensor<{ty}xf32> {{graph.name = "r"}}'
        bias_type += f", tensor<{ty}xf32>"
    operands = {None: "", "bias": ", %c then relu", "residual": ", %c plus %r then relu"}[epilogue]
    if residual_l1:
        remap += f"  %rr = graph.unary relu %r : tensor<{ty}xf32> -> tensor<{ty}xf32>\n"
        operands = ", %c plus %rr then relu"
    (tmp / "mm.mlir").write_text(
        f'func.func @main(%a: tensor<{ta_arg}xf32> {{graph.name = "a"}}, '
        f'%b: tensor<{tb}xf32> {{graph.name = "b"}}{bias_arg}) -> '
        f'(tensor<{ty}xf32> {{graph.name = "y"}}) {{\n'
        f"{remap}  %0 = graph.matmul {lhs}, %b{operands}{config_attr} : (tensor<{ta}xf32>, "
        f"tensor<{tb}xf32>{bias_type}) -> tensor<{ty}xf32>\n"
        + (f"  %1 = graph.unary relu %0 : tensor<{ty}xf32> -> tensor<{ty}xf32>\n"
           f"  return %1 : tensor<{ty}xf32>\n}}\n" if out_l1 else
           f"  return %0 : tensor<{ty}xf32>\n}}\n"))
    # The model charges an L1 lhs as interleaved over all cores; shards it does not model.
    run(["tt-opt", tmp / "mm.mlir", "--tt-assign-layouts=precision=bf16",
         "--tt-choose-op-configs" + ("" if shards or out_l1 else "=l1-shards=false"),
         "-o", tmp / "chosen.mlir"])
    chosen = (tmp / "chosen.mlir").read_text()
    if shards:
        assert re.search(r"graph.unary relu [^\n]*-> tensor<[^>]*l1, height_sharded", chosen), chosen
    estimate = int(re.search(r"matmul_config<[^>]*, cycles = (\d+)>", chosen).group(1))
    run(["tt-opt", tmp / "chosen.mlir", "--tt-lower-graph-to-grid", "--tt-lower-grid-to-kernels",
         "--canonicalize", "--cse", "--tt-allocate-buffers", "-o", tmp / "lowered.mlir"])
    run(["tt-translate", "--serialize-ttb", tmp / "lowered.mlir", "-o", tmp / "mm.ttb"])
    rng = np.random.default_rng(0)
    a = rng.standard_normal((*lead, m, image[2] if image else k)).astype(np.float32)
    b = rng.standard_normal((*lead, k, n)).astype(np.float32)
    c = rng.standard_normal(n).astype(np.float32)
    r = rng.standard_normal((*lead, m, n)).astype(np.float32)
    named = [("a", a), ("b", b)] + ([("c", c)] if epilogue else [])
    named += [("r", r)] if epilogue == "residual" else []
    inputs = []
    for name, value in named:
        np.save(tmp / f"{name}.npy", value)
        inputs.append(f"--input=@{tmp / f'{name}.npy'}")
    run(["tt-run", tmp / "mm.ttb", *inputs, f"--output=@{tmp / 'y.npy'}",
         f"--perf-report={tmp / 'perf.json'}", "--quiet"])
    y = np.load(tmp / "y.npy")
    lhs_value = np.maximum(a, 0.0) if l1 else a
    reference = (windows(lhs_value, *image[:2]) if image else lhs_value).astype(np.float64) @ b
    if epilogue:
        residual = np.maximum(r, 0.0) if residual_l1 else r
        reference = np.maximum(reference + c + (residual if epilogue == "residual" else 0.0), 0.0)
    if out_l1:
        reference = np.maximum(reference, 0.0)
    assert np.corrcoef(y.ravel(), reference.ravel())[0, 1] > 0.999, (shape, config)
    if l1 and not shards:
        assert re.search(r"graph.unary relu [^\n]*-> tensor<[^>]*l1, interleaved>>", chosen), chosen
    dispatches = json.loads((tmp / "perf.json").read_text())["dispatches"]
    return estimate, next(d["cycles"] for d in dispatches if d["op"] == "matmul")


def spearman(x, y):
    rank = lambda v: np.argsort(np.argsort(v)).astype(float)
    return float(np.corrcoef(rank(np.array(x)), rank(np.array(y)))[0, 1])


def sweep():
    """Six blockings per shape, spread over the model's range (fastest, slowest and between,
    skipping single-core ones whose simulation is slow), and the one the pass picks itself."""
    rng = random.Random(7)
    cases = []
    for shape in SHAPES:
        candidates = [c for c in blockings(*shape) if c[2] * c[3] >= 4]
        picked = rng.sample(candidates, min(6, len(candidates)))
        cases += [(shape, c, None) for c in picked] + [(shape, None, None)]
    # The epilogues (bias and ReLU; bias, residual and ReLU) on the pass's own choice, for
    # shapes from a layer to a conv.
    cases += [(shape, None, e) for shape in SHAPES[3:6] for e in ("bias", "residual")]
    cases += [(SHAPES[8], None, "residual")]
    # Implicit GEMMs: four blockings each and the pass's choice.
    for image in IMAGES:
        candidates = [c for c in blockings(*image_shape(image)) if c[2] * c[3] >= 4]
        cases += [(image, c, "windows") for c in rng.sample(candidates, 4)] + [(image, None, "windows")]
    # Operands kept in L1: three blockings each and the pass's choice, for a layer's and a 1x1
    # convolution's GEMM and the implicit GEMMs.
    for shape in (SHAPES[3], SHAPES[8]):
        candidates = [c for c in blockings(*shape) if c[2] * c[3] >= 4]
        cases += [(shape, c, "l1") for c in rng.sample(candidates, 3)] + [(shape, None, "l1")]
    for image in IMAGES:
        candidates = [c for c in blockings(*image_shape(image)) if c[2] * c[3] >= 4]
        cases += [(image, c, "windows-l1") for c in rng.sample(candidates, 3)]
        cases += [(image, None, "windows-l1")]
    # Windows gathered from shards of the cores' own rows (the ReLU's 2x2 tiles per core over
    # 7x7 cores): K chunks and subblocks of the grid that matches them.
    image = IMAGES[0]
    aligned = [c for c in blockings(*image_shape(image))
               if c[:6] == (49, 1, 7, 7, 2, 2) and c[9] == "multicast"]
    cases += [(image, c, "windows-shards") for c in rng.sample(aligned, 5)]
    # A 1x1 convolution's lhs and a residual read from shards of the cores' own rows (a ReLU's
    # 2x2 tiles per core over 7x7 cores): blockings whose cores compute those rows in one pass.
    conv = (3136, 64, 256)
    aligned = [c for c in blockings(*conv) if c[:6] == (49, 1, 7, 7, 2, 8)]
    cases += [(conv, c, "lhs-shards") for c in rng.sample(aligned, 4)]
    conv = (3136, 64, 64)
    aligned = [c for c in blockings(*conv) if c[:6] == (49, 1, 7, 7, 2, 2)]
    cases += [(conv, c, "residual-shards") for c in rng.sample(aligned, 4)]
    # A result kept in L1 (a ReLU reads it): MobileNetV2's first expansion, its blocks written in
    # passes over the grid or in one pass into each core's shard, and the pass's choice. The model
    # charges writes into L1 at every core's own link and underestimates those made in passes
    # (by 27% to 57% here).
    expansion = (12544, 16, 96)
    candidates = [c for c in blockings(*expansion) if c[2] * c[3] >= 16]
    cases += [(expansion, c, "out-l1") for c in rng.sample(candidates, 5)]
    cases += [(expansion, None, "out-l1")]
    return cases


def test_cost_model_ranks_and_estimates_like_the_simulator(tmp):
    results = []
    for i, (shape, config, epilogue) in enumerate(sweep()):
        case = tmp / str(i)
        case.mkdir()
        label = f"{config} + {epilogue}" if epilogue else config
        if epilogue in ("windows", "windows-l1", "windows-shards"):
            results.append((shape, label, *estimate_and_simulate(
                case, None, config, image=shape, l1=epilogue != "windows",
                shards=epilogue == "windows-shards")))
        elif epilogue == "l1":
            results.append((shape, label, *estimate_and_simulate(case, shape, config, l1=True)))
        elif epilogue == "lhs-shards":
            results.append((shape, label, *estimate_and_simulate(case, shape, config, l1=True,
                                                                 shards=True)))
        elif epilogue == "residual-shards":
            results.append((shape, label, *estimate_and_simulate(
                case, shape, config, "residual", shards=True, residual_l1=True)))
        elif epilogue == "out-l1":
            results.append((shape, label, *estimate_and_simulate(case, shape, config,
                                                                 out_l1=True)))
        else:
            results.append((shape, label, *estimate_and_simulate(case, shape, config, epilogue)))
    assert len(results) >= 50
    estimates = [r[2] for r in results]
    cycles = [r[3] for r in results]
    errors = [abs(e - c) / c for e, c in zip(estimates, cycles)]
    table = "\n".join(f"{s} {c} estimate {e} simulated {m} ({(e - m) / m:+.1%})"
                      for s, c, e, m in results)
    rho = spearman(estimates, cycles)
    assert rho >= 0.9, f"Spearman {rho:.3f}\n{table}"
    assert float(np.median(errors)) < 0.15, f"median error {np.median(errors):.1%}\n{table}"
    print(f"\n{len(results)} blockings: Spearman {rho:.3f}, median error "
          f"{np.median(errors):.1%}, worst {max(errors):.1%}\n{table}")


def test_chosen_blocking_is_the_fastest_of_a_sample(tmp):
    """On a square matmul the pass's own choice is within 5% of the best of the sampled ones."""
    shape = (1024, 1024, 1024)
    rng = random.Random(3)
    sample = rng.sample([c for c in blockings(*shape) if c[2] * c[3] >= 16], 8)
    best = min(estimate_and_simulate(tmp / f"s{i}", shape, c)[1]
               for i, c in enumerate(sample) if not (tmp / f"s{i}").mkdir())
    (tmp / "chosen").mkdir()
    chosen = estimate_and_simulate(tmp / "chosen", shape, None)[1]
    assert chosen <= 1.05 * best, (chosen, best)


# K chunks that do not divide K, the first chunk of each pass the shorter: one pass of two
# chunks; two passes of three (the third chunk's first piece read ahead during the second);
# cores reading their own blocks; an implicit GEMM gathering its windows.
SHORTER_FIRST = [((1024, 1024, 1024), (8, 8, 8, 8, 4, 4, 1, 4, 24, "multicast"), None),
                 ((1024, 1024, 1024), (8, 8, 8, 8, 2, 4, 1, 4, 12, "multicast"), None),
                 ((1024, 1024, 1024), (32, 1, 8, 4, 4, 8, 1, 8, 20, "unicast"), None),
                 ((28, 28, 128, 128), (25, 1, 5, 5, 1, 4, 1, 4, 32, "multicast"), "windows")]


@pytest.mark.parametrize("shape,config,kind", SHORTER_FIRST)
def test_shorter_first_chunk(tmp, shape, config, kind):
    """The numbers are numpy's (estimate_and_simulate checks them) and the estimate is within
    15% of the simulator."""
    if kind == "windows":
        estimate, cycles = estimate_and_simulate(tmp, None, config, image=shape)
    else:
        estimate, cycles = estimate_and_simulate(tmp, shape, config)
    assert abs(estimate - cycles) / cycles < 0.15, (estimate, cycles)


# An image kept in L1 (interleaved over every core) large enough that the links bound the
# implicit GEMM gathering its windows: each request goes over the NoC whose route is shorter,
# which the model charges with kL1GatherNocFactor. Three blockings and the pass's choice.
GATHERED_IMAGE = (112, 112, 32, 64)
GATHERED_BLOCKINGS = [(56, 1, 8, 7, 7, 2, 1, 2, 3, "multicast"),
                      (56, 1, 8, 7, 7, 2, 1, 1, 1, "unicast"),
                      (49, 1, 7, 7, 8, 2, 1, 2, 9, "multicast")]


def test_windows_gathered_from_l1(tmp):
    """Each estimate is within 20% of the simulator (measured: 3% to 17%; 36% to 101% over
    before the nearer NoC was charged), and the pass's choice is as fast as the best of them."""
    results = []
    for i, config in enumerate(GATHERED_BLOCKINGS + [None]):
        (tmp / str(i)).mkdir()
        results.append(estimate_and_simulate(tmp / str(i), None, config, image=GATHERED_IMAGE,
                                             l1=True))
    for config, (estimate, cycles) in zip(GATHERED_BLOCKINGS + [None], results):
        assert abs(estimate - cycles) / cycles < 0.20, (config, estimate, cycles)
    assert results[-1][1] <= 1.05 * min(c for _, c in results[:-1]), results


def single_pass(tmp, precision, between_ops):
    """Compiles and runs a 2048^3 matmul of a random weight, alone or (`between_ops`) with its lhs
    made by an Abs and its product read by another, both then kept in L1; returns the printed
    configs, the input, the weight, the output and the estimate and simulated cycles of the
    matmul's dispatch."""
    rng = np.random.default_rng(0)
    w = (rng.standard_normal((2048, 2048)) / 45).astype(np.float32)
    nodes = ([helper.make_node("Abs", ["x"], ["a"], name="lhs"),
              helper.make_node("MatMul", ["a", "w"], ["p"], name="mm"),
              helper.make_node("Abs", ["p"], ["y"], name="product")] if between_ops else
             [helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")])
    graph = helper.make_graph(
        nodes, "mm", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2048, 2048])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2048, 2048])],
        [numpy_helper.from_array(w, "w")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]),
              tmp / "mm.onnx")
    proc = run(["tt-compile", tmp / "mm.onnx", "-o", tmp / "mm.ttb", f"--precision={precision}",
                "--print-op-configs"])
    estimate = int(re.search(r"matmul_config<[^>]*, cycles = (\d+)>", proc.stdout).group(1))
    x = rng.standard_normal((2048, 2048)).astype(np.float32)
    np.save(tmp / "x.npy", x)
    run(["tt-run", tmp / "mm.ttb", f"--input=@{tmp / 'x.npy'}", f"--output=@{tmp / 'y.npy'}",
         f"--perf-report={tmp / 'perf.json'}", "--quiet"])
    dispatches = json.loads((tmp / "perf.json").read_text())["dispatches"]
    cycles = next(d["cycles"] for d in dispatches if d["op"] == "matmul")
    return proc.stdout, x, w, np.load(tmp / "y.npy"), estimate, cycles


@pytest.mark.parametrize("precision", ["bf16", "bfp8", "bfp4"])
def test_single_pass_estimate(tmp, precision):
    """A 2048^3 matmul in one pass on the whole grid, in each format: the estimate the pass
    records for its choice is within 5% of the simulator, the last block's writes over both
    NoCs included, in its DRAM floor too (which charged bfp4's 8 MB product at one NoC's write
    rate: 91.7k cycles, 9% above the 84.0k its plan takes). Each format's choice
    starts K with short, growing chunks (k_lead), whose arrivals behind the compute before
    them the model charges."""
    configs, _, _, _, estimate, cycles = single_pass(tmp, precision, between_ops=False)
    assert "k_lead = [" in configs, configs
    assert abs(estimate / cycles - 1) < 0.05, (estimate, cycles)


@pytest.mark.parametrize("precision,pcc", [("bf16", 0.999), ("bfp8", 0.999), ("bfp4", 0.97)])
def test_single_pass_estimate_between_ops(tmp, precision, pcc):
    """The same matmul with its lhs made and its product used on the chip, both kept in L1, as
    the hand-tuned runs the issues' targets come from keep them: the estimate the pass records
    for its choice is within 7% of the simulator (bfp4's is the least close: 6.0% low, as the
    model does not see the longest chunk of K arrive late behind the ones before it)."""
    configs, x, w, y, estimate, cycles = single_pass(tmp, precision, between_ops=True)
    assert re.search(r"^mm .*result in L1", configs, re.M), configs
    # bfp4 weights at LoFi keep 3 bits of each weight: 0.983 here.
    reference = np.abs(np.abs(x).astype(np.float64) @ w)
    assert np.corrcoef(y.ravel(), reference.ravel())[0, 1] > pcc
    assert abs(estimate / cycles - 1) < 0.07, (estimate, cycles)
