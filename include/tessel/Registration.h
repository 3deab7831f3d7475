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
/// Hides from --help the options registered so far: the shared LLVM library registers every
/// backend's (AArch64, AMDGPU, Polly, ...) as it loads. They still parse; --help-hidden lists
/// them. The MLIR drivers register their own options after this, and those stay listed.
void hideLibraryOptions();
} // namespace tessel

#endif
