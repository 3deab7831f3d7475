// ONNX nodes the runtime runs on the host: which they are, the types of their outputs, and their
// attributes as the binary records them.
#include "OnnxImporter.h"

#include "Graph/GraphDialect.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace tessel::onnx_import;

/// Ops whose output's shape depends on the data, or that the chip has no arithmetic for.
static constexpr StringLiteral kAlwaysOnHost[] = {
    "NonZero", "NonMaxSuppression", "Unique", "Compress", "TfIdfVectorizer", "Det", "RoiAlign",
    "StringNormalizer", "Optional", "Multinomial", "MaxRoiPool"};

/// The node's attribute `name`, or null.
static const onnx::AttributeProto *findAttr(const onnx::NodeProto &node, StringRef name) {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

static int64_t intAttr(const onnx::NodeProto &node, StringRef name, int64_t dflt) {
  const onnx::AttributeProto *a = findAttr(node, name);
  return a ? a->i() : dflt;
}

bool tessel::onnx_import::isHostOpType(StringRef opType) {
  return llvm::is_contained(kAlwaysOnHost, opType);
}

bool tessel::onnx_import::canRunOnHost(StringRef opType) {
  return isHostOpType(opType) || isHostDataMovement(opType) || isHostSequenceOp(opType) ||
         isHostElementwise(opType) ||
         llvm::is_contained({"Range", "ReduceSum", "Cast", "CastLike", "Dropout"}, opType);
}

bool tessel::onnx_import::isHostSequenceOp(StringRef opType) {
  return llvm::is_contained({"SequenceConstruct", "SequenceEmpty", "SequenceInsert",
                             "SequenceErase", "SequenceAt", "SequenceLength", "SplitToSequence",
                             "ConcatFromSequence", "OptionalHasElement", "OptionalGetElement"},
                            opType);
}

FailureOr<SmallVector<Type>>
tessel::onnx_import::hostSequenceTypes(const onnx::NodeProto &node, Location loc,
                                       ArrayRef<Type> inputs) {
  MLIRContext *ctx = loc.getContext();
  StringRef op = node.op_type();
  auto sequence = [&](size_t i) -> tessel::graph::SequenceType {
    return i < inputs.size() ? dyn_cast_or_null<tessel::graph::SequenceType>(inputs[i])
                             : tessel::graph::SequenceType();
  };
  auto one = [](Type t) { return SmallVector<Type>{t}; };
  if (op == "OptionalHasElement")
    return one(RankedTensorType::get({}, IntegerType::get(ctx, 1)));
  if (op == "OptionalGetElement") {
    if (auto optional = dyn_cast_or_null<tessel::graph::OptionalType>(inputs[0]))
      return one(optional.getElementType());
    return one(inputs[0]); // a tensor or sequence: itself
  }
  if (op == "Identity" && isa_and_nonnull<tessel::graph::OptionalType>(inputs[0]))
    return one(inputs[0]);
  if (op == "SequenceInsert" || op == "SequenceErase" || op == "Identity") {
    if (!sequence(0))
      return emitError(loc) << op << " on the host takes a sequence first";
    return one(inputs[0]);
  }
  if (op == "SequenceLength")
    return one(RankedTensorType::get({}, IntegerType::get(ctx, 64)));
  if (op == "SequenceAt") {
    if (!sequence(0))
      return emitError(loc) << "SequenceAt on the host takes a sequence first";
    return one(sequence(0).getElementType());
  }
  if (op == "ConcatFromSequence") {
    if (!sequence(0))
      return emitError(loc) << "ConcatFromSequence on the host takes a sequence";
    auto elt = cast<ShapedType>(sequence(0).getElementType());
    if (!elt.hasRank())
      return one(UnrankedTensorType::get(elt.getElementType()));
    int64_t rank = elt.getRank() + (intAttr(node, "new_axis", 0) ? 1 : 0);
    return one(RankedTensorType::get(SmallVector<int64_t>(rank, ShapedType::kDynamic),
                                     elt.getElementType()));
  }
  if (op == "SequenceConstruct" || op == "SplitToSequence") {
    auto x = inputs.empty() ? ShapedType() : dyn_cast_or_null<ShapedType>(inputs[0]);
    if (!x)
      return emitError(loc) << op << " on the host takes tensors";
    Type elt = op == "SequenceConstruct" || !x.hasRank()
                   ? Type(x)
                   : Type(RankedTensorType::get(
                         SmallVector<int64_t>(x.getRank() -
                                                  (inputs.size() < 2 && !intAttr(node, "keepdims", 1)),
                                              ShapedType::kDynamic),
                         x.getElementType()));
    return one(tessel::graph::SequenceType::get(ctx, elt));
  }
  return emitError(loc) << op << " does not run on the host";
}

bool tessel::onnx_import::isHostElementwise(StringRef opType) {
  return llvm::is_contained(
      {"Neg", "Abs", "Sqrt", "Exp", "Log", "Cos", "Sin", "Tan", "Tanh", "Erf", "Sigmoid",
       "Relu", "Floor", "Ceil", "Round", "Reciprocal", "Sign", "Not", "Add", "Sub", "Mul", "Div",
       "Pow", "Max", "Min", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And",
       "Or", "Xor", "Mod", "Where"},
      opType);
}

/// numpy's broadcast of `inputs`' shapes; a dim is dynamic where an input's is and none of the
/// others' is larger than 1.
static FailureOr<SmallVector<int64_t>> broadcastShapes(ArrayRef<RankedTensorType> inputs,
                                                       Location loc, StringRef op) {
  size_t rank = 0;
  for (RankedTensorType t : inputs)
    if (t)
      rank = std::max<size_t>(rank, t.getRank());
  SmallVector<int64_t> shape(rank, 1);
  SmallVector<bool> dynamic(rank, false);
  for (RankedTensorType t : inputs) {
    if (!t)
      continue;
    size_t offset = rank - t.getRank();
    for (auto [d, dim] : llvm::enumerate(t.getShape())) {
      if (ShapedType::isDynamic(dim)) {
        dynamic[offset + d] = true;
        continue;
      }
      int64_t &out = shape[offset + d];
      if (out != 1 && dim != 1 && dim != out)
        return emitError(loc) << op << "'s inputs do not broadcast";
      out = std::max(out, dim);
    }
  }
  for (size_t d = 0; d < rank; ++d)
    if (dynamic[d] && shape[d] == 1)
      shape[d] = ShapedType::kDynamic;
  return shape;
}

bool tessel::onnx_import::isHostDataMovement(StringRef opType) {
  return llvm::is_contained({"Identity", "Shape", "Reshape", "Flatten", "Squeeze", "Unsqueeze",
                             "Transpose", "Slice", "Gather", "Concat"},
                            opType);
}

std::string tessel::onnx_import::hostOpTypesText() {
  std::string text;
  for (StringRef op : kAlwaysOnHost)
    text += op.str() + ", ";
  return text + "Range, ReduceSum, Cast, CastLike, the sequence ops, elementwise math and the "
                "data movement of Identity, Shape, Reshape, Flatten, Squeeze, Unsqueeze, Transpose, "
                "Slice, Gather, Concat";
}

static int64_t axisOf(const onnx::NodeProto &node, int64_t rank, bool &present) {
  const onnx::AttributeProto *a = findAttr(node, "axis");
  present = a != nullptr;
  return !a ? 0 : a->i() < 0 ? a->i() + rank : a->i();
}

/// The types of the data-movement ops' outputs; dims stay dynamic where they depend on a value
/// not known while compiling.
static FailureOr<RankedTensorType>
movedType(const onnx::NodeProto &node, Location loc, ArrayRef<RankedTensorType> inputs,
          function_ref<std::optional<SmallVector<int64_t>>(unsigned)> constantInts) {
  constexpr int64_t kDyn = ShapedType::kDynamic;
  StringRef op = node.op_type();
  RankedTensorType x = inputs[0];
  Type elt = x.getElementType();
  int64_t rank = x.getRank();
  auto attrInts = [&](StringRef name) -> std::optional<SmallVector<int64_t>> {
    if (const onnx::AttributeProto *a = findAttr(node, name))
      return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
    return std::nullopt;
  };
  auto axisIn = [&](int64_t a, int64_t r) -> FailureOr<int64_t> {
    if (a < -r || a >= r)
      return emitError(loc) << op << "'s axis " << a << " is out of range for rank " << r;
    return a < 0 ? a + r : a;
  };
  if (op == "Identity")
    return x;
  if (op == "Shape")
    return RankedTensorType::get({kDyn}, IntegerType::get(loc.getContext(), 64));
  if (op == "Flatten")
    return RankedTensorType::get({kDyn, kDyn}, elt);
  if (op == "Slice")
    return RankedTensorType::get(SmallVector<int64_t>(rank, kDyn), elt);
  if (op == "Reshape") {
    std::optional<SmallVector<int64_t>> target = constantInts(1);
    if (!target)
      return emitError(loc) << "Reshape on the host needs a constant shape";
    SmallVector<int64_t> shape;
    for (auto [d, t] : llvm::enumerate(*target))
      shape.push_back(t == 0 && d < size_t(rank) ? x.getDimSize(d) : t < 0 ? kDyn : t);
    return RankedTensorType::get(shape, elt);
  }
  if (op == "Squeeze" || op == "Unsqueeze") {
    std::optional<SmallVector<int64_t>> axes = inputs.size() > 1 ? constantInts(1)
                                                                  : attrInts("axes");
    if (!axes && op == "Squeeze" && inputs.size() < 2) {
      if (!x.hasStaticShape())
        return emitError(loc) << "Squeeze on the host needs axes when dims are not known";
      SmallVector<int64_t> shape;
      for (int64_t d : x.getShape())
        if (d != 1)
          shape.push_back(d);
      return RankedTensorType::get(shape, elt);
    }
    if (!axes)
      return emitError(loc) << op << " on the host needs constant axes";
    int64_t outRank = op == "Squeeze" ? rank - int64_t(axes->size()) : rank + int64_t(axes->size());
    if (outRank < 0)
      return emitError(loc) << "Squeeze has more axes than its input's rank " << rank;
    llvm::SmallDenseSet<int64_t> listed;
    for (int64_t a : *axes) {
      FailureOr<int64_t> axis = axisIn(a, op == "Squeeze" ? rank : outRank);
      if (failed(axis))
        return failure();
      listed.insert(*axis);
    }
    SmallVector<int64_t> shape;
    if (op == "Squeeze") {
      for (int64_t d = 0; d < rank; ++d)
        if (!listed.contains(d))
          shape.push_back(x.getDimSize(d));
    } else {
      for (int64_t d = 0, from = 0; d < outRank; ++d)
        shape.push_back(listed.contains(d) ? 1 : x.getDimSize(from++));
    }
    return RankedTensorType::get(shape, elt);
  }
  if (op == "Transpose") {
    SmallVector<int64_t> perm = attrInts("perm").value_or(SmallVector<int64_t>());
    if (perm.empty())
      for (int64_t d = rank - 1; d >= 0; --d)
        perm.push_back(d);
    if (int64_t(perm.size()) != rank)
      return emitError(loc) << "Transpose's perm does not match its input's rank " << rank;
    SmallVector<int64_t> shape;
    for (int64_t p : perm) {
      if (p < 0 || p >= rank)
        return emitError(loc) << "Transpose's perm holds " << p;
      shape.push_back(x.getDimSize(p));
    }
    return RankedTensorType::get(shape, elt);
  }
  if (op == "Gather") {
    FailureOr<int64_t> axis = axisIn(intAttr(node, "axis", 0), rank);
    if (failed(axis))
      return failure();
    SmallVector<int64_t> shape(x.getShape().take_front(*axis));
    llvm::append_range(shape, inputs[1].getShape());
    llvm::append_range(shape, x.getShape().drop_front(*axis + 1));
    return RankedTensorType::get(shape, elt);
  }
  // Concat: the axis sums, the other dims are the first input's.
  FailureOr<int64_t> axis = axisIn(intAttr(node, "axis", 0), rank);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(x.getShape());
  for (RankedTensorType in : inputs.drop_front()) {
    if (!in || in.getRank() != rank)
      return emitError(loc) << "Concat's inputs differ in rank";
    shape[*axis] = ShapedType::isDynamic(shape[*axis]) || in.isDynamicDim(*axis)
                       ? kDyn
                       : shape[*axis] + in.getDimSize(*axis);
  }
  return RankedTensorType::get(shape, elt);
}

/// The inputs a host op cannot go without.
static size_t requiredInputs(StringRef op) {
  if (llvm::is_contained({"Range", "RoiAlign", "Slice", "Where"}, op))
    return 3;
  if (llvm::is_contained({"NonMaxSuppression", "Compress", "CastLike", "MaxRoiPool", "Reshape",
                          "Gather", "Add",
                          "Sub", "Mul", "Div", "Pow", "Mod", "Equal", "Less", "Greater",
                          "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor"},
                         op))
    return 2;
  return 1;
}

static FailureOr<SmallVector<RankedTensorType>>
outputTypes(const onnx::NodeProto &node, Location loc, ArrayRef<RankedTensorType> inputs,
            function_ref<Type(int32_t)> elementTypeOf,
            function_ref<std::optional<SmallVector<int64_t>>(unsigned)> constantInts) {
  MLIRContext *ctx = loc.getContext();
  Type i64 = IntegerType::get(ctx, 64);
  constexpr int64_t kDyn = ShapedType::kDynamic;
  StringRef op = node.op_type();
  size_t needed = requiredInputs(op);
  if (inputs.size() < needed || llvm::any_of(inputs.take_front(needed),
                                             [](RankedTensorType t) { return !t; }))
    return emitError(loc) << op << " needs " << needed << " inputs";
  RankedTensorType x = inputs[0];
  int64_t rank = x.getRank();
  bool hasAxis = false;
  int64_t axis = axisOf(node, rank, hasAxis);
  // Flatten's axis may also be the rank; movedType checks it.
  if (hasAxis && op != "Flatten" && (axis < 0 || axis >= rank))
    return emitError(loc) << op << "'s axis is out of range for rank " << rank;
  auto withAxisDynamic = [&]() {
    SmallVector<int64_t> shape(x.getShape());
    if (!hasAxis)
      return RankedTensorType::get({kDyn}, x.getElementType());
    shape[axis] = kDyn;
    return RankedTensorType::get(shape, x.getElementType());
  };
  if (isHostElementwise(op)) {
    FailureOr<SmallVector<int64_t>> shape = broadcastShapes(inputs, loc, op);
    if (failed(shape))
      return failure();
    bool boolean = llvm::is_contained({"Equal", "Less", "Greater", "LessOrEqual",
                                       "GreaterOrEqual", "And", "Or", "Xor", "Not"},
                                      op);
    Type elt = boolean         ? IntegerType::get(ctx, 1)
               : op == "Where" ? inputs[1].getElementType()
                               : x.getElementType();
    return SmallVector<RankedTensorType>{RankedTensorType::get(*shape, elt)};
  }
  if (isHostDataMovement(op)) {
    FailureOr<RankedTensorType> type = movedType(node, loc, inputs, constantInts);
    if (failed(type))
      return failure();
    return SmallVector<RankedTensorType>{*type};
  }
  if (op == "NonZero")
    return SmallVector<RankedTensorType>{RankedTensorType::get({std::max<int64_t>(rank, 1), kDyn}, i64)};
  if (op == "Dropout")
    return SmallVector<RankedTensorType>{
        x, RankedTensorType::get(x.getShape(), IntegerType::get(ctx, 1))};
  if (op == "NonMaxSuppression")
    return SmallVector<RankedTensorType>{RankedTensorType::get({kDyn, 3}, i64)};
  if (op == "Compress")
    return SmallVector<RankedTensorType>{withAxisDynamic()};
  if (op == "Unique") {
    int64_t inverse = hasAxis ? x.getDimSize(axis) : x.getNumElements();
    return SmallVector<RankedTensorType>{
        withAxisDynamic(), RankedTensorType::get({kDyn}, i64),
        RankedTensorType::get({inverse}, i64), RankedTensorType::get({kDyn}, i64)};
  }
  if (op == "Cast" || op == "CastLike") {
    Type to = op == "CastLike" ? inputs[1].getElementType() : Type();
    if (const onnx::AttributeProto *a = findAttr(node, "to"))
      to = elementTypeOf(int32_t(a->i()));
    if (!to)
      return emitError(loc) << op << " casts to an element type the host does not hold";
    return SmallVector<RankedTensorType>{RankedTensorType::get(x.getShape(), to)};
  }
  if (op == "StringNormalizer") {
    if (!isa<tessel::graph::StringType>(x.getElementType()) || rank < 1 || rank > 2 ||
        (rank == 2 && x.getDimSize(0) != 1))
      return emitError(loc) << "StringNormalizer takes strings of shape [C] or [1, C], got " << x;
    return SmallVector<RankedTensorType>{
        RankedTensorType::get(rank == 1 ? SmallVector<int64_t>{kDyn}
                                        : SmallVector<int64_t>{1, kDyn},
                              x.getElementType())};
  }
  if (op == "ReduceSum") {
    // Its axes come at run time: which dims go, or become 1, is known only then.
    bool keep = intAttr(node, "keepdims", 1) != 0;
    bool noop = intAttr(node, "noop_with_empty_axes", 0) != 0;
    int64_t axes = inputs.size() > 1 && inputs[1] ? inputs[1].getNumElements() : 0;
    int64_t outRank = keep || (axes == 0 && noop) ? rank : axes == 0 ? 0 : rank - axes;
    if (outRank < 0)
      return emitError(loc) << "ReduceSum has more axes than its input's rank " << rank;
    return SmallVector<RankedTensorType>{
        RankedTensorType::get(SmallVector<int64_t>(outRank, kDyn), x.getElementType())};
  }
  if (op == "Range")
    return SmallVector<RankedTensorType>{RankedTensorType::get({kDyn}, x.getElementType())};
  if (op == "Det") {
    if (rank < 2 || x.getDimSize(rank - 1) != x.getDimSize(rank - 2))
      return emitError(loc) << "Det takes square matrices [..., M, M], got " << x;
    return SmallVector<RankedTensorType>{
        RankedTensorType::get(x.getShape().drop_back(2), x.getElementType())};
  }
  if (op == "Multinomial") {
    // Samples drawn from the data: the chip has no generator (lib/Import/RandomOps.cpp draws
    // the tensors that need no data before it runs).
    int64_t samples = intAttr(node, "sample_size", 1);
    const onnx::AttributeProto *dtype = findAttr(node, "dtype");
    Type elt = elementTypeOf(dtype ? int32_t(dtype->i()) : int32_t(onnx::TensorProto::INT32));
    if (rank != 2 || samples < 0 || !elt || !isa<IntegerType>(elt))
      return emitError(loc) << "Multinomial takes [batch, classes] and draws sample_size >= 0 "
                               "int32 or int64 classes";
    return SmallVector<RankedTensorType>{
        RankedTensorType::get({x.getDimSize(0), samples}, elt)};
  }
  if (op == "MaxRoiPool") {
    RankedTensorType rois = inputs[1];
    SmallVector<int64_t> pooled;
    if (const onnx::AttributeProto *a = findAttr(node, "pooled_shape"))
      pooled.assign(a->ints().begin(), a->ints().end());
    if (rank != 4 || rois.getRank() != 2 || rois.getDimSize(1) != 5 || pooled.size() != 2 ||
        pooled[0] < 1 || pooled[1] < 1)
      return emitError(loc) << "MaxRoiPool takes X [N, C, H, W], rois [R, 5] and a positive "
                               "pooled_shape of two";
    return SmallVector<RankedTensorType>{RankedTensorType::get(
        {rois.getDimSize(0), x.getDimSize(1), pooled[0], pooled[1]}, x.getElementType())};
  }
  if (op == "RoiAlign") {
    RankedTensorType rois = inputs[1];
    if (rank != 4 || rois.getRank() != 2 || rois.getDimSize(1) != 4)
      return emitError(loc) << "RoiAlign takes X [N, C, H, W] and rois [R, 4]";
    int64_t height = intAttr(node, "output_height", 1), width = intAttr(node, "output_width", 1);
    if (height < 1 || width < 1)
      return emitError(loc) << "RoiAlign's output_height and output_width must be positive";
    return SmallVector<RankedTensorType>{RankedTensorType::get(
        {rois.getDimSize(0), x.getDimSize(1), height, width}, x.getElementType())};
  }
  if (op == "TfIdfVectorizer") {
    int64_t size = 0;
    if (const onnx::AttributeProto *a = findAttr(node, "ngram_indexes"))
      for (int64_t i : a->ints())
        size = std::max(size, i + 1);
    if (rank != 1 && rank != 2)
      return emitError(loc) << "TfIdfVectorizer takes a 1-D or 2-D input, got rank " << rank;
    Type f32 = Float32Type::get(ctx);
    return SmallVector<RankedTensorType>{
        rank == 1 ? RankedTensorType::get({size}, f32)
                  : RankedTensorType::get({x.getDimSize(0), size}, f32)};
  }
  return emitError(loc) << op << " does not run on the host";
}

FailureOr<DictionaryAttr> tessel::onnx_import::hostAttributes(const onnx::NodeProto &node,
                                                               Location loc) {
  Builder b(loc.getContext());
  auto i64 = [&](int64_t v) -> Attribute { return b.getI64IntegerAttr(v); };
  auto f32 = [&](float v) -> Attribute { return b.getF32FloatAttr(v); };
  auto text = [&](const std::string &v) -> Attribute { return b.getStringAttr(v); };
  auto list = [&](const auto &items, auto make) {
    SmallVector<Attribute> v;
    for (const auto &item : items)
      v.push_back(make(item));
    return b.getArrayAttr(v);
  };
  SmallVector<NamedAttribute> attrs;
  for (const auto &a : node.attribute()) {
    // An empty Optional's type is the compiler's to know; the runtime needs nothing of it.
    if (node.op_type() == "Optional" && a.type() == onnx::AttributeProto::TYPE_PROTO)
      continue;
    Attribute value;
    switch (a.type()) {
    case onnx::AttributeProto::INT: value = i64(a.i()); break;
    case onnx::AttributeProto::FLOAT: value = f32(a.f()); break;
    case onnx::AttributeProto::STRING: value = text(a.s()); break;
    case onnx::AttributeProto::INTS: value = list(a.ints(), i64); break;
    case onnx::AttributeProto::FLOATS: value = list(a.floats(), f32); break;
    case onnx::AttributeProto::STRINGS: value = list(a.strings(), text); break;
    default:
      return emitError(loc) << node.op_type() << "'s attribute '" << a.name()
                            << "' is of a kind the host cannot take (tensor or graph)";
    }
    attrs.push_back(b.getNamedAttr(a.name(), value));
  }
  return b.getDictionaryAttr(attrs);
}

FailureOr<SmallVector<RankedTensorType>>
tessel::onnx_import::hostOutputTypes(const onnx::NodeProto &node, Location loc,
                                     ArrayRef<RankedTensorType> inputs,
                                     function_ref<Type(int32_t)> elementTypeOf,
                                     ConstantInts constantInts) {
  FailureOr<SmallVector<RankedTensorType>> types =
      outputTypes(node, loc, inputs, elementTypeOf, constantInts);
  if (failed(types))
    return failure();
  for (RankedTensorType t : *types)
    if (t.hasStaticShape() && t.getNumElements() > (int64_t(1) << 31))
      return emitError(loc) << node.op_type() << "'s output " << t
                            << " holds more than 2^31 values";
  return types;
}
