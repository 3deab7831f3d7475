#ifndef TESSEL_REGISTRATION_H
#define TESSEL_REGISTRATION_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace tessel {
/// Tessel's four dialects and the upstream ones its IR uses (func, arith, scf, affine).
void registerAllDialects(mlir::DialectRegistry &registry);
/// Every Tessel pass and named pipeline, for tt-opt.
void registerAllPasses();
} // namespace tessel

#endif
