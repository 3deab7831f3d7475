"""RandomNormal, RandomUniform, their -Like forms and Bernoulli, end to end: the runtime draws their
numbers on the host as it places the inputs, with numpy's legacy generator, and the chip computes
with them. A seeded model draws exactly what numpy draws after np.random.seed(seed); an unseeded
one draws anew every run, unless tt-run is given --seed."""
import numpy as np
import onnx
import pytest
from onnx import TensorProto as T, helper as h, numpy_helper

import tessel
from conftest import run

vi = h.make_tensor_value_info
RNG = np.random.default_rng(0)
W_MU = (RNG.standard_normal((64, 32)) * 0.1).astype(np.float32)
W_LOGVAR = (RNG.standard_normal((64, 32)) * 0.1).astype(np.float32)
P = np.linspace(0.0, 1.0, 4 * 16, dtype=np.float32).reshape(4, 16)


def sampler():
    """A VAE's sampling step beside other draws: z = mu + exp(logvar / 2) * eps."""
    consts = {"w_mu": W_MU, "w_logvar": W_LOGVAR, "half": np.array(0.5, np.float32), "p": P}
    nodes = [
        h.make_node("MatMul", ["x", "w_mu"], ["mu"], name="mu"),
        h.make_node("MatMul", ["x", "w_logvar"], ["logvar"], name="logvar"),
        h.make_node("RandomNormalLike", ["mu"], ["eps"], name="eps", seed=3.0),
        h.make_node("Mul", ["logvar", "half"], ["half_logvar"], name="half_logvar"),
        h.make_node("Exp", ["half_logvar"], ["std"], name="std"),
        h.make_node("Mul", ["std", "eps"], ["spread"], name="spread"),
        h.make_node("Add", ["mu", "spread"], ["z"], name="z"),
        h.make_node("RandomUniform", [], ["u"], name="u", shape=[3, 5], low=-2.0, high=3.0,
                    seed=7.0),
        h.make_node("Bernoulli", ["p"], ["coin"], name="coin", seed=11.0),
        h.make_node("RandomNormal", [], ["noise"], name="noise", shape=[64, 64], mean=1.0,
                    scale=2.0),
    ]
    outputs = [vi("z", T.FLOAT, [4, 32]), vi("eps", T.FLOAT, [4, 32]), vi("u", T.FLOAT, [3, 5]),
               vi("coin", T.FLOAT, [4, 16]), vi("noise", T.FLOAT, [64, 64])]
    graph = h.make_graph(nodes, "sampler", [vi("x", T.FLOAT, [4, 64])], outputs,
                         [numpy_helper.from_array(v, k) for k, v in consts.items()])
    return h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])


def compiled(tmp):
    onnx.save(sampler(), tmp / "sampler.onnx")
    run(["tt-compile", tmp / "sampler.onnx", "-o", tmp / "sampler.ttb"])
    x = RNG.standard_normal((4, 64)).astype(np.float32)
    np.save(tmp / "x.npy", x)
    return x


def outputs(tmp, tag, *flags):
    names = ["z", "eps", "u", "coin", "noise"]
    run(["tt-run", tmp / "sampler.ttb", f"--input=@{tmp / 'x.npy'}", "--quiet", *flags,
         *[f"--output=@{tmp / f'{tag}_{n}.npy'}" for n in names]])
    return {n: np.load(tmp / f"{tag}_{n}.npy") for n in names}


def test_seeded_draws_are_numpys_and_the_chip_computes_with_them(tmp):
    x = compiled(tmp)
    got = outputs(tmp, "a")
    np.random.seed(3)
    eps = np.random.normal(0.0, 1.0, (4, 32)).astype(np.float32)
    np.testing.assert_array_equal(got["eps"], eps)
    np.random.seed(7)
    np.testing.assert_array_equal(got["u"], np.random.uniform(-2.0, 3.0, (3, 5)).astype(np.float32))
    np.random.seed(11)
    coin = (np.random.random_sample((4, 16)) < P).astype(np.float32)
    np.testing.assert_array_equal(got["coin"], coin)
    mu, logvar = x @ W_MU, x @ W_LOGVAR
    np.testing.assert_allclose(got["z"], mu + np.exp(0.5 * logvar) * eps, rtol=1e-5, atol=1e-5)


def test_unseeded_draws_differ_per_run_unless_tt_run_is_given_a_seed(tmp):
    compiled(tmp)
    first, second = outputs(tmp, "a"), outputs(tmp, "b")
    # The seeded draws repeat; the unseeded one does not.
    for name in ("z", "eps", "u", "coin"):
        np.testing.assert_array_equal(first[name], second[name])
    assert not np.array_equal(first["noise"], second["noise"])
    seeded = [outputs(tmp, tag, "--seed=5")["noise"] for tag in ("c", "d")]
    np.testing.assert_array_equal(seeded[0], seeded[1])
    assert not np.array_equal(seeded[0], outputs(tmp, "e", "--seed=6")["noise"])
    # The first unseeded draw of a run given --seed=5 is numpy's after np.random.seed(5).
    np.random.seed(5)
    np.testing.assert_array_equal(seeded[0],
                                  np.random.normal(1.0, 2.0, (64, 64)).astype(np.float32))
    # Its distribution: 4,096 draws of mean 1 and scale 2.
    noise = first["noise"]
    assert abs(noise.mean() - 1.0) < 5 * 2.0 / 64 and abs(noise.std() - 2.0) < 0.15


def test_a_bad_seed_for_tt_run_is_one_clear_error(tmp):
    compiled(tmp)
    proc = run(["tt-run", tmp / "sampler.ttb", f"--input=@{tmp / 'x.npy'}", "--seed=-1"],
               check=False)
    assert proc.returncode != 0 and "--seed expects an integer" in proc.stderr


def test_a_python_session_draws_the_same_and_takes_a_seed(tmp):
    """tessel.InferenceSession runs the same binary: the seeded draws are numpy's, and its `seed`
    makes the unseeded one repeat."""
    x = compiled(tmp)
    first = tessel.InferenceSession(tmp / "sampler.ttb", seed=9)
    eps, noise = first.run(["eps", "noise"], {"x": x})
    np.random.seed(3)
    np.testing.assert_array_equal(eps, np.random.normal(0.0, 1.0, (4, 32)).astype(np.float32))
    again = tessel.InferenceSession(tmp / "sampler.ttb", seed=9).run(["noise"], {"x": x})[0]
    np.testing.assert_array_equal(noise, again)
    np.random.seed(9)
    np.testing.assert_array_equal(noise, np.random.normal(1.0, 2.0, (64, 64)).astype(np.float32))
    with pytest.raises(tessel.TesselError, match="seed must be an integer"):
        tessel.InferenceSession(tmp / "sampler.ttb", seed=-1)


def test_multinomial_samples_on_the_host_after_the_chip(tmp):
    """Multinomial draws classes from the logits the chip computed: on the host, each sample the
    first class whose cumulative probability passes a uniform number of numpy's legacy generator
    (row by row, `seed` seeding it)."""
    w = (RNG.standard_normal((8, 6)) * 2).astype(np.float32)
    nodes = [h.make_node("MatMul", ["x", "w"], ["logits"], name="head"),
             h.make_node("Multinomial", ["logits"], ["classes"], name="sample", sample_size=50,
                         seed=4.0, dtype=T.INT64)]
    graph = h.make_graph(nodes, "sampler", [vi("x", T.FLOAT, [3, 8])],
                         [vi("classes", T.INT64, [3, 50])], [numpy_helper.from_array(w, "w")])
    onnx.save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)]), tmp / "m.onnx")
    run(["tt-compile", tmp / "m.onnx", "-o", tmp / "m.ttb"])
    x = RNG.standard_normal((3, 8)).astype(np.float32)
    np.save(tmp / "x.npy", x)
    proc = run(["tt-run", tmp / "m.ttb", f"--input=@{tmp / 'x.npy'}",
                f"--output=@{tmp / 'c.npy'}"])
    assert "Multinomial" in proc.stderr  # the report names the host op
    got = np.load(tmp / "c.npy")
    assert got.dtype == np.int64 and got.shape == (3, 50)
    logits = x.astype(np.float64) @ w
    np.random.seed(4)
    want = np.empty((3, 50), np.int64)
    for r in range(3):
        cumulative = np.cumsum(np.exp(logits[r] - logits[r].max()))
        for s in range(50):
            u = np.random.random_sample() * cumulative[-1]
            want[r, s] = min(np.searchsorted(cumulative, u, side="right"), 5)
    # The chip's logits are f32: a sample within a rounding of a class boundary may differ.
    assert (got == want).mean() > 0.95, (got == want).mean()
