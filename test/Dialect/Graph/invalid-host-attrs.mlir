// RUN: tt-opt %s -split-input-file -verify-diagnostics

// The function's records of what runs beside the chip are checked where they are read.

// expected-error @+1 {{graph.host_ops entries must be {name, op, inputs: [string], outputs: [string], attributes: {...}}}}
func.func @host_op_without_outputs() attributes {
    graph.host_ops = [{name = "n", op = "NonZero", inputs = ["x"], attributes = {}}]} {
  return
}

// -----

// expected-error @+1 {{host op 'n': attribute 'alpha' must be an i64, f32 or string, or an array of them}}
func.func @host_op_attribute_of_another_type() attributes {
    graph.host_ops = [{name = "n", op = "NonZero", inputs = ["x"], outputs = ["y"],
                       attributes = {alpha = 1.0 : f64}}]} {
  return
}

// -----

// expected-error @+1 {{graph.host_outputs entries must be {name, index >= 0, type: a ranked tensor, a sequence or an optional}}}
func.func @host_output_without_type() attributes {
    graph.host_outputs = [{name = "y", index = 0 : i64}]} {
  return
}

// -----

// expected-error @+1 {{graph.empty_inputs must be an array}}
func.func @empty_inputs_not_a_list() attributes {graph.empty_inputs = 3 : i64} {
  return
}

// -----

// expected-error @+1 {{unknown graph attribute 'graph.hostops'}}
func.func @misspelled() attributes {graph.hostops = []} {
  return
}

// -----

// expected-error @+1 {{graph.host_value must be a unit attribute}}
func.func @host_value_not_unit(%x: tensor<2xf32>) -> (tensor<2xf32> {graph.host_value = 1 : i64}) {
  return %x : tensor<2xf32>
}

// -----

// A tensor the runtime draws (graph.draw) names its distribution's parameters; a well-formed
// one passes.
func.func @drawn_normal(%eps: tensor<2xf32> {graph.name = "eps",
    graph.draw = {normal = true, a = 0.0 : f32, b = 1.0 : f32, seed = 3.0 : f32}})
    -> tensor<2xf32> {
  return %eps : tensor<2xf32>
}

// -----

// expected-error @+1 {{graph.draw must be {normal: bool, a: f32, b: f32[, seed: f32]}}}
func.func @drawn_without_parameters(%u: tensor<2xf32> {graph.draw = {normal = false}}) {
  return
}

// -----

// expected-error @+1 {{graph.draw: a normal's scale must not be negative}}
func.func @drawn_negative_scale(
    %n: tensor<2xf32> {graph.draw = {normal = true, a = 0.0 : f32, b = -1.0 : f32}}) {
  return
}

// -----

// expected-error @+1 {{graph.draw: a uniform's low end must not pass its high end}}
func.func @drawn_inverted_range(
    %u: tensor<2xf32> {graph.draw = {normal = false, a = 2.0 : f32, b = 1.0 : f32}}) {
  return
}

// -----

// expected-error @+1 {{unknown graph argument attribute 'graph.drawn'}}
func.func @drawn_misspelled(%u: tensor<2xf32> {graph.drawn = {}}) {
  return
}

// -----

// An input's accepted values (graph.exact_range, from tt-bound-integer-inputs); a well-formed
// one passes.
func.func @exact_range(%a: tensor<2xi64> {graph.exact_range = {lo = -4 : i64, hi = 3 : i64,
    reason = "node 'sum' (i64) would leave int32, the format the chip holds it in"}}) {
  return
}

// -----

// expected-error @+1 {{graph.exact_range must be {lo: i64, hi: i64, reason: string}}}
func.func @exact_range_without_reason(%a: tensor<2xi64> {graph.exact_range = {lo = 0 : i64, hi = 3 : i64}}) {
  return
}

// -----

// expected-error @+1 {{graph.exact_range: lo must not pass hi}}
func.func @exact_range_inverted(
    %a: tensor<2xi64> {graph.exact_range = {lo = 4 : i64, hi = 3 : i64, reason = "r"}}) {
  return
}
