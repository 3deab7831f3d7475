// The estimate tt-fuse-tile-loops compares a fused loop with its producer's and consumer's by.
// The math is charged as the simulator charges it (tessel/runtime/TileCosts.h; the packer's
// packs beside it), the memory from the chip's DRAM and NoC figures;
// test/e2e/test_tile_loop_fusion.py checks it against the simulator.
#include "tessel/Transforms/TileLoopFusion.h"

#include "Tile/TileOps.h"
#include "tessel/Transforms/ChipInfo.h"
#include "tessel/Transforms/TileLoopIndex.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "tessel/runtime/TileCosts.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace tessel;

/// Cycles of one tile op of a grid.compute body on one core, as the simulator charges them (the
/// tile dialect's enums share their values with the runtime's).
static int64_t mathCycles(Operation *op, const rt::ChipDesc &chip,
                          tile::MathFidelity fidelity) {
  auto format = [](Value tile) {
    return static_cast<rt::DataFormat>(cast<tile::TileType>(tile.getType()).getFormat());
  };
  auto fid = static_cast<ttb::MathFidelity>(fidelity);
  return llvm::TypeSwitch<Operation *, int64_t>(op)
      .Case([&](tile::UnaryOp u) {
        return rt::unaryCycles(chip, static_cast<rt::UnaryOp>(u.getKind()));
      })
      .Case([&](tile::BinaryOp b) {
        return rt::binaryCycles(chip, static_cast<rt::BinaryOp>(b.getKind()),
                                format(b.getLhs()), format(b.getRhs()), fid);
      })
      .Case([&](tile::DstBinaryOp d) {
        return rt::dstBinaryCycles(chip, static_cast<rt::BinaryOp>(d.getKind()));
      })
      .Case([&](tile::CopyOp c) { return rt::copyCycles(chip, format(c.getInput())); })
      .Case([&](tile::TransposeOp t) { return rt::transposeCycles(chip, format(t.getInput())); })
      .Case([&](tile::MaskOp) { return rt::maskCycles(chip); })
      .Case([&](tile::ReduceOp r) { return rt::reduceCycles(chip, format(r.getInput()), fid); })
      .Case([&](tile::PackOp p) { return rt::packCycles(chip, format(p.getResult())); })
      .Default([](Operation *) { return int64_t(0); });
}

SmallVector<OpOperand *> tessel::dstOperands(Operation *op) {
  SmallVector<OpOperand *> operands;
  llvm::TypeSwitch<Operation *>(op)
      .Case([&](tile::DstBinaryOp d) {
        operands = {&d.getLhsMutable(), &d.getRhsMutable(), &d.getDstMutable()};
      })
      .Case<tile::UnaryOp, tile::BinaryOp, tile::CopyOp, tile::TransposeOp, tile::MaskOp,
            tile::ReduceOp, tile::PackOp, tile::MatmulOp>(
          [&](auto t) { operands = {&t.getDstMutable()}; });
  return operands;
}

static int64_t bytesOf(Value tensorOrTile) {
  Type type = tensorOrTile.getType();
  if (auto tileType = dyn_cast<tile::TileType>(type))
    return tile::tileBytes(tileType.getFormat());
  return tile::tileBytes(grid::getLayout(type).getFormat());
}

double tessel::tileRoundTrip(const rt::ChipDesc &chip, bool inL1, int64_t tileBytes) {
  double trip = double(chip.nocHopCycles) * (chip.gridX + chip.gridY) / 2.0;
  return (inL1 ? 2 * trip : double(chip.dramLatencyCycles) + trip) +
         double(tileBytes) / chip.nocFlitBytes;
}

void tessel::chargeTileLoopMemory(TileLoopCost &cost, const rt::ChipDesc &chip, double batches,
                                  double readLatency, double writeLatency, double perCoreBytes) {
  // Each group of units (or batch of steps) reads, then waits for its tiles; the writer flushes
  // each tile. On top of those latencies, the DRAM channels stream every byte the cores ask for.
  double channels = chip.dramChannels * chip.dramSustainedBytesPerCycle();
  cost.memoryCycles =
      std::max(batches * std::max(readLatency, writeLatency) + cost.dramBytes / channels,
               perCoreBytes / double(chip.nocFlitBytes));
  // The pipeline fills (the first unit's reads) and drains (the last write and its flush) with
  // nothing to overlap them; twice each latency fits the simulator's streaming dispatches within
  // 20% (test_tile_loop_fusion.py checks the ratios fusion decides by).
  cost.fillCycles = 2.0 * (readLatency + writeLatency);
}

TileLoopCost tessel::estimateTileLoop(grid::DispatchOp op, const rt::ChipDesc &chip) {
  TileLoopCost cost;
  int64_t cores = op.getCores().size();
  scf::ForOp units = *op.getBody().front().getOps<scf::ForOp>().begin();
  int64_t perCore = tripCount(units).value_or(1);
  // Per core: each unit's reads wait for a DRAM latency once (a step loop's batch of up to 16
  // steps shares one), and its tiles cross the core's NoC link.
  // The packs of the tiles each unit yields run on the packer, beside the next unit's math; a
  // tile the body packs for its own later ops is waited for.
  double perCoreBytes = 0, mathPerCore = 0, packsPerCore = 0;
  llvm::SmallDenseSet<int64_t> slots;
  auto latencyOf = [&](Value tensor, int64_t tileBytes) {
    return tileRoundTrip(chip, inL1(tensor), tileBytes);
  };
  double readLatency = 0, writeLatency = 0;
  // What a unit streams in (streamingGroup), and whether it gathers rows.
  int64_t unitBytes = 0;
  bool rowGathers = false;
  auto charge = [&](Value tensor, int64_t tileBytes, int64_t times, bool write = false) {
    double &latency = write ? writeLatency : readLatency;
    latency = std::max(latency, latencyOf(tensor, tileBytes));
    double bytes = double(tileBytes) * times * cores;
    (inL1(tensor) ? cost.l1Bytes : cost.dramBytes) += bytes;
    perCoreBytes += bytes / cores;
  };
  units.walk([&](Operation *nested) {
    int64_t steps = 1;
    if (auto inner = nested->getParentOfType<scf::ForOp>(); inner && inner != units)
      steps = tripCount(inner).value_or(1);
    int64_t times = perCore * steps;
    bool stepRead = steps > 1;
    llvm::TypeSwitch<Operation *>(nested)
        .Case([&](grid::LoadOp read) {
          // A tile the same at every unit is read once and held; a row broadcast reads a row.
          bool held = !stepRead && isa<AffineConstantExpr>(read.getMap().getResult(0));
          int64_t bytes = bytesOf(read.getResult()) / (read.getFirstRow() ? 32 : 1);
          charge(read.getSource(), bytes, held ? 1 : times);
          if (!held && !stepRead)
            unitBytes += bytesOf(read.getResult());
          cost.bufferBytes += bytesOf(read.getResult()) * (held ? 1 : 2) *
                              (stepRead ? std::min<int64_t>(steps, 16) : 1);
        })
        .Case([&](grid::GatherOp read) {
          charge(read.getSource(), bytesOf(read.getResult()), times);
          if (!stepRead)
            unitBytes += bytesOf(read.getResult());
          cost.bufferBytes += bytesOf(read.getResult()) * 2 *
                              (stepRead ? std::min<int64_t>(steps, 16) : 1);
        })
        .Case([&](grid::LoadOneOfOp read) {
          charge(read.getSources().front(), bytesOf(read.getResult()), times);
          unitBytes += bytesOf(read.getResult());
          cost.bufferBytes += bytesOf(read.getResult()) * 2;
        })
        .Case([&](grid::GatherRowsOp read) {
          rowGathers = true;
          charge(read.getTable(), bytesOf(read.getResult()), times);
          cost.bufferBytes += bytesOf(read.getResult()) * 2 + 4096;
        })
        .Case([&](grid::StoreOp store) {
          charge(store.getDest(), bytesOf(store.getValue()), times, /*write=*/true);
          cost.bufferBytes += bytesOf(store.getValue()) * 2;
        })
        .Case([&](grid::ComputeOp compute) {
          Value yielded = cast<grid::YieldOp>(compute.getBody().front().getTerminator()).getValue();
          for (Operation &math : compute.getBody().front()) {
            auto pack = dyn_cast<tile::PackOp>(math);
            if (pack && pack.getResult() == yielded) {
              packsPerCore += double(mathCycles(&math, chip, op.getFidelity())) * times;
              mathPerCore += double(times); // its issue
            } else {
              mathPerCore += double(mathCycles(&math, chip, op.getFidelity())) * times;
            }
            for (OpOperand *slot : dstOperands(&math))
              if (std::optional<int64_t> c = getConstantIntValue(slot->get()))
                slots.insert(*c);
            // A tile the body packs for its own later ops goes through a one-tile buffer.
            if (pack && pack.getResult() != yielded)
              cost.bufferBytes += bytesOf(pack.getResult());
          }
        });
  });
  // Step loops read in batches of up to 16 steps; a streaming loop's units read in groups, each
  // waiting once, and its buffers hold two groups.
  int64_t stepBatches = 0;
  bool stepLoops = false;
  units.walk([&](scf::ForOp loop) {
    if (loop == units)
      return;
    stepLoops = true;
    stepBatches += perCore * ((tripCount(loop).value_or(1) + 15) / 16);
  });
  int64_t group = stepLoops ? 1
                            : streamingGroup(perCore, rowGathers, unitBytes,
                                             chip.l1Bytes - chip.l1ReservedBytes);
  cost.bufferBytes += 2 * (group - 1) * unitBytes;
  int64_t batches = perCore / group + stepBatches;
  chargeTileLoopMemory(cost, chip, double(batches), readLatency, writeLatency, perCoreBytes);
  cost.computeCycles = std::max(mathPerCore, packsPerCore);
  for (int64_t slot : slots)
    cost.dstTiles = std::max(cost.dstTiles, slot + 1);
  return cost;
}
