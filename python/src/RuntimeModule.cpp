// tessel._runtime: the simulator in process, for tessel.InferenceSession (python/tessel/session.py).
// float32 tensors cross as numpy arrays (read in place, outputs handed over without a copy); the
// other element types as .npy bytes, which the runtime's own reader and writer convert as the
// binary declares. The GIL is released while the chip is simulated.
#include "tessel/runtime/Binary.h"
#include "tessel/runtime/Chip.h"
#include "tessel/runtime/Perf.h"
#include "tessel/runtime/Simulator.h"
#include "tessel/runtime/TensorIO.h"
#include "tessel/runtime/Trace.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace py = pybind11;
using namespace tessel::rt;

namespace {

/// A user error, with the tools' one-line message.
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string elementTypeOf(const tessel::ttb::TensorSignature &sig) {
  return sig.element_type() ? sig.element_type()->str() : "f32";
}

py::list signatures(
    const flatbuffers::Vector<flatbuffers::Offset<tessel::ttb::TensorSignature>> *sigs) {
  py::list out;
  if (sigs)
    for (const tessel::ttb::TensorSignature *s : *sigs) {
      py::dict d;
      d["name"] = s->name() ? s->name()->str() : "";
      d["shape"] = s->shape() ? std::vector<int64_t>(s->shape()->begin(), s->shape()->end())
                              : std::vector<int64_t>();
      d["element_type"] = elementTypeOf(*s);
      out.append(d);
    }
  return out;
}

/// A Python value as the runtime holds it: .npy bytes for a tensor, a list for a sequence, None
/// or the held value for an optional, as `declared` (a binary's element type) says.
HostTensor fromPython(const py::handle &value, const std::string &declared,
                      const std::string &label) {
  HostTensor t;
  std::string elements = sequenceElementType(declared), held = optionalElementType(declared);
  if (!held.empty()) {
    t.isOptional = true;
    if (!value.is_none())
      t.elements.push_back(fromPython(value, held, label));
    return t;
  }
  if (!elements.empty()) {
    if (!py::isinstance<py::list>(value))
      throw Error(label + ": a sequence goes in as a list of arrays");
    t.isSequence = true;
    for (const py::handle &e : py::reinterpret_borrow<py::list>(value))
      t.elements.push_back(fromPython(e, elements, label));
    return t;
  }
  // A C-ordered float32 array for an f32 input is read where it lies, without the .npy bytes.
  if (declared == "f32" && py::isinstance<py::array_t<float>>(value)) {
    auto array = py::reinterpret_borrow<py::array_t<float>>(value);
    if (array.flags() & py::array::c_style) {
      t.shape.assign(array.shape(), array.shape() + array.ndim());
      t.data.assign(array.data(), array.data() + array.size());
      return t;
    }
  }
  if (!py::isinstance<py::bytes>(value))
    throw Error(label + ": expected an array");
  std::string bytes = py::reinterpret_borrow<py::bytes>(value), error;
  if (!parseNpy(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size(), t, error,
                declared))
    throw Error(label + ": " + error);
  return t;
}

/// The runtime's value back as the same Python shapes; an f32 tensor becomes a numpy array that
/// owns the runtime's values (no copy).
py::object toPython(HostTensor &t, const std::string &type) {
  if (type == "f32" && !t.isOptional && !t.isSequence && t.strings.empty()) {
    auto *values = new std::vector<float>(std::move(t.data));
    py::capsule owner(values, [](void *p) { delete static_cast<std::vector<float> *>(p); });
    std::vector<py::ssize_t> shape(t.shape.begin(), t.shape.end());
    return py::array_t<float>(shape, values->data(), owner);
  }
  if (t.isOptional)
    return t.elements.empty() ? py::none() : toPython(t.elements[0], optionalElementType(type));
  if (t.isSequence) {
    py::list out;
    for (HostTensor &e : t.elements)
      out.append(toPython(e, sequenceElementType(type)));
    return out;
  }
  return py::bytes(npyBytes(t, type));
}

class Session {
public:
  Session(const py::bytes &binary, const std::string &chipName, unsigned threads,
          std::optional<uint32_t> seed)
      : threads(threads), seed(seed) {
    std::string error;
    ChipDesc chip;
    if (!loadChip(chipName, chip, error))
      throw Error(error);
    std::string bytes = binary;
    if (!loadBinaryFromBytes(std::vector<uint8_t>(bytes.begin(), bytes.end()), chip, loaded,
                             error))
      throw Error(error);
  }

  py::list inputs() const { return signatures(loaded.root()->inputs()); }
  py::list outputs() const { return signatures(loaded.root()->outputs()); }

  /// Runs on the inputs in the binary's input order (fromPython's forms); returns the outputs
  /// (toPython's forms), the perf report as JSON and, if asked, the trace as JSON.
  py::tuple run(const py::list &values, bool trace) const {
    const tessel::ttb::Binary &bin = *loaded.root();
    size_t count = bin.inputs() ? bin.inputs()->size() : 0;
    if (values.size() != count)
      throw Error("the model takes " + std::to_string(count) + " inputs, got " +
                  std::to_string(values.size()));
    std::vector<HostTensor> tensors(count);
    for (size_t i = 0; i < count; ++i) {
      const tessel::ttb::TensorSignature &sig = *bin.inputs()->Get(i);
      std::string label = "input " + std::to_string(i) + " '" +
                          (sig.name() ? sig.name()->str() : "") + "'";
      tensors[i] = fromPython(values[i], elementTypeOf(sig), label);
      if (tensors[i].isSequence || tensors[i].isOptional)
        continue;
      std::vector<int64_t> want;
      if (sig.shape())
        want.assign(sig.shape()->begin(), sig.shape()->end());
      if (!shapeFits(want, tensors[i].shape))
        throw Error(label + ": expected shape " + shapeText(want) + ", got " +
                    shapeText(tensors[i].shape));
    }
    RunResult result;
    std::string error;
    bool ok;
    {
      py::gil_scoped_release unlocked;
      SimOptions options;
      options.trace = trace;
      options.hostThreads = threads;
      options.seed = seed;
      ok = runBinary(loaded, tensors, options, result, error);
    }
    if (!ok)
      throw Error(error);
    py::list outs;
    for (size_t i = 0; i < result.outputs.size(); ++i)
      outs.append(toPython(result.outputs[i], elementTypeOf(*bin.outputs()->Get(i))));
    return py::make_tuple(outs, perfToJson(result.perf),
                          trace ? traceToJson(result.trace) : std::string());
  }

private:
  LoadedBinary loaded;
  unsigned threads;
  std::optional<uint32_t> seed;

  /// numpy's way, unlike the runtime's errors: [1, 3, 224, 224].
  static std::string shapeText(const std::vector<int64_t> &shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
      s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
  }
};

/// What a binary says of itself, without a chip to run it on: its chip, precision and signatures.
py::dict describe(const py::bytes &binary) {
  std::string bytes = binary;
  flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
  if (!tessel::ttb::BinaryBufferHasIdentifier(bytes.data()) ||
      !tessel::ttb::VerifyBinaryBuffer(verifier))
    throw Error("not a .ttb binary, or a damaged one");
  const tessel::ttb::Binary &bin = *tessel::ttb::GetBinary(bytes.data());
  py::dict d;
  d["chip"] = bin.chip() ? bin.chip()->str() : "";
  d["precision"] = bin.precision() ? bin.precision()->str() : "";
  d["schema_version"] = bin.schema_version();
  d["inputs"] = signatures(bin.inputs());
  d["outputs"] = signatures(bin.outputs());
  return d;
}

} // namespace

PYBIND11_MODULE(_runtime, m) {
  m.doc() = "Tessel's simulator in process (tessel.InferenceSession uses it)";
  py::register_exception<Error>(m, "Error");
  m.def("describe", &describe, py::arg("binary"));
  py::class_<Session>(m, "Session")
      .def(py::init<const py::bytes &, const std::string &, unsigned, std::optional<uint32_t>>(),
           py::arg("binary"), py::arg("chip"), py::arg("threads"), py::arg("seed"))
      .def("inputs", &Session::inputs)
      .def("outputs", &Session::outputs)
      .def("run", &Session::run, py::arg("inputs"), py::arg("trace"));
}
