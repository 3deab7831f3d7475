#include "tessel/Transforms/MatmulCostModel.h"

#include <algorithm>
#include <cmath>
#include <string>

using namespace tessel;
using namespace tessel::cost;

static std::vector<int64_t> divisors(int64_t n, int64_t limit) {
  std::vector<int64_t> out;
  for (int64_t d = 1; d <= std::min(n, limit); ++d)
    if (n % d == 0)
      out.push_back(d);
  return out;
}

/// K chunk lengths to try: those that divide K, and with `shorterFirst` those that leave a
/// shorter first chunk of 1, 2 or 4 tiles or an even number from 8 on, at least a quarter of the
/// others, in two to four chunks. (Powers of two alone missed the best chunks of a 2048^3 bfp4
/// matmul at LoFi on an [8, 8] grid: 24 + 40 tiles of K simulates 97.9k cycles where 16 + 48
/// took 100.9k; the bf16 one takes 294.2k as 10 + 18 + 18 + 18, 299.9k as 16 + 48.) The model underestimates how long a much shorter first chunk leaves compute waiting
/// for the second (a 2048^3 bfp4 matmul at LoFi on an [8, 8] grid as 4 + 60 tiles of K:
/// estimated 105.9k cycles, simulated 111.8k, where 16 + 48 takes 98.3k).
static std::vector<int64_t> kChunks(int64_t kt, bool shorterFirst) {
  std::vector<int64_t> out = divisors(kt, kt);
  for (int64_t n = 2; shorterFirst && n <= 4; ++n)
    for (int64_t first = 1; first * n < kt; first += first < 8 ? first : 2)
      if ((kt - first) % (n - 1) == 0) {
        int64_t kc = (kt - first) / (n - 1);
        if (kc > first && 4 * first >= kc && kt % kc)
          out.push_back(kc);
      }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

/// Leading K chunks to try before chunks of `kc` (MatmulPlan::kLead): the K left over by one or
/// more chunks of kc, in two or three chunks growing two- or threefold, each shorter than kc.
/// Measured on a 2048^3 bfp4 matmul at LoFi on an [8, 8] grid (K 64 tiles): 2 + 6 + 20 + 36
/// simulates 84.9k cycles, 4 + 8 + 16 + 36 86.0k, 6 + 18 + 40 88.0k, where 24 + 40 took 93.9k:
/// compute starts after a short first chunk and each next one arrives while the one before is
/// computed; each chunk more costs the block's partial sums a pack. All but the last leading
/// chunk are of an even number of tiles: with its lhs and product in L1, 4 + 9 + 17 + 34 took
/// 79.6k cycles, 4 + 8 + 18 + 34 77.7k and 4 + 10 + 16 + 34 78.4k.
static std::vector<std::vector<int64_t>> leadChunkings(int64_t kt, int64_t kc) {
  std::vector<std::vector<int64_t>> out;
  for (int64_t rest = kc; rest < kt; rest += kc) {
    int64_t lead = kt - rest;
    for (int64_t parts : {2, 3})
      for (int64_t growth : {2, 3}) {
        int64_t weights = 0, w = 1;
        for (int64_t i = 0; i < parts; ++i, w *= growth)
          weights += w;
        std::vector<int64_t> chunks;
        int64_t sum = 0;
        w = 1;
        for (int64_t i = 0; i + 1 < parts; ++i, w *= growth) {
          // Even: a chunk's rhs block travels in pieces of two rows of tiles, one row where the
          // chunk's rows are odd (pieceShape), twice the handshakes for its bytes.
          int64_t k = std::max<int64_t>(1, (lead * w + weights / 2) / weights);
          chunks.push_back(std::max<int64_t>(2, (k + 1) / 2 * 2));
          sum += chunks.back();
        }
        chunks.push_back(lead - sum);
        bool growing = chunks.back() < kc;
        for (size_t i = 0; i + 1 < chunks.size(); ++i)
          growing &= chunks[i] < chunks[i + 1];
        if (growing && llvm::find(out, chunks) == out.end())
          out.push_back(chunks);
      }
  }
  return out;
}

double MatmulProblem::rhsBusiestDensity(const MatmulPlan &plan) const {
  if (rhsStoredTiles == 0 || !rhsStoredPerColumn ||
      int64_t(rhsStoredPerColumn->size()) != nt)
    return rhsDensity();
  const int64_t blocksN = nt / plan.blockN;
  std::vector<int64_t> perBlock(blocksN, 0);
  for (int64_t n = 0; n < nt; ++n)
    perBlock[n / plan.blockN] += (*rhsStoredPerColumn)[n];
  const double blockTiles = double(kt * plan.blockN);
  if (plan.multicast) {
    // A pass's cores take gridN consecutive column blocks.
    int64_t sets = blocksN / plan.gridN;
    double busiest = 0;
    for (int64_t g = 0; g < sets; ++g)
      busiest += double(*std::max_element(perBlock.begin() + g * plan.gridN,
                                          perBlock.begin() + (g + 1) * plan.gridN));
    return busiest / (double(sets) * blockTiles);
  }
  // The cores take the blocks in turn, each on its own pace.
  const int64_t cores = plan.gridM * plan.gridN, passes = plan.passes(*this);
  std::vector<int64_t> perCore(cores, 0);
  for (int64_t u = 0; u < passes * cores; ++u)
    perCore[u % cores] += perBlock[u % blocksN];
  return double(*std::max_element(perCore.begin(), perCore.end())) /
         (double(passes) * blockTiles);
}

double cost::dispatchGapCycles(const rt::ChipDesc &chip, bool joined, int64_t width,
                               int64_t height) {
  if (!joined || chip.kernelConfigBytes <= 0)
    return double(chip.launchCycles);
  // The farthest core is (width - 1) + (height - 1) hops from the first, one more where the
  // rectangle spans the DRAM column in the middle of the grid. Each crossing pays a cycle to
  // issue and one to wait.
  int64_t hops = width - 1 + height - 1 + (width > chip.gridX / 2 ? 1 : 0);
  double crossing = double(hops * chip.nocHopCycles) + 2.0;
  return 2.0 * crossing;
}

std::optional<std::pair<int64_t, int64_t>> cost::rectangle(const rt::ChipDesc &chip,
                                                          int64_t cores) {
  for (int64_t w = std::min<int64_t>(cores, chip.gridX); w >= 1; --w)
    if (cores % w == 0 && cores / w <= chip.gridY)
      return std::make_pair(w, cores / w);
  return std::nullopt;
}

int64_t cost::l1Bytes(const MatmulProblem &p, const MatmulPlan &plan) {
  int64_t a = rt::tileBytes(p.lhs), b = rt::tileBytes(p.rhs), o = rt::tileBytes(p.out);
  int64_t block = plan.blockM * plan.blockN;
  int64_t out = plan.accumulatesInL1(p) ? (plan.defersWrites(p) ? 2 * block : block)
                : plan.defersWrites(p)  ? block + plan.subM * plan.subN
                                        : 2 * plan.subM * plan.subN;
  int64_t pairK = plan.chunkPairK(p);
  int64_t bytes = pairK * plan.blockM * a + pairK * plan.blockN * b + out * o;
  // Partial sums of the whole block wait between K chunks.
  if (plan.chunks(p) > 1 && !plan.accumulatesInL1(p))
    bytes += plan.blockM * plan.blockN * o;
  if (p.hasBias)
    bytes += 2 * plan.blockN * rt::tileBytes(p.bias);
  if (p.hasResidual)
    bytes += 2 * plan.subM * plan.subN * rt::tileBytes(p.residual);
  // The packed subblock the epilogue's operands are added to.
  if (p.hasBias || p.hasResidual)
    bytes += plan.subM * plan.subN * o;
  // Two chunks' places of their rhs tiles, an f32 tile each.
  if (p.rhsStoredTiles > 0)
    bytes += 2 * rt::tileBytes(rt::DataFormat::Float32);
  return bytes;
}

bool cost::isValid(const rt::ChipDesc &chip, const MatmulProblem &p, const MatmulPlan &plan,
                   int64_t l1Budget, std::string *why) {
  auto fail = [&](std::string msg) {
    if (why)
      *why = std::move(msg);
    return false;
  };
  if (!plan.multicast) {
    if (plan.gridM > 1 && plan.gridN > 1)
      return fail("a two-dimensional grid of blocks multicasts its operands");
    if (p.mt % plan.blockM || p.nt % plan.blockN ||
        plan.blocks(p) % (plan.gridM * plan.gridN))
      return fail(std::to_string(plan.gridM * plan.gridN) + " cores cannot share the blocks of " +
                  std::to_string(plan.blockM) + "x" + std::to_string(plan.blockN) + " tiles of " +
                  std::to_string(p.batch) + " " + std::to_string(p.mt) + "x" +
                  std::to_string(p.nt) + "-tile outputs evenly");
  } else if (p.mt % (plan.gridM * plan.blockM) || p.nt % (plan.gridN * plan.blockN))
    return fail("blocks of " + std::to_string(plan.gridM) + "x" + std::to_string(plan.blockM) +
                " by " + std::to_string(plan.gridN) + "x" + std::to_string(plan.blockN) +
                " tiles do not tile the " + std::to_string(p.mt) + "x" + std::to_string(p.nt) +
                " output tiles");
  if (plan.kChunk > p.kt)
    return fail("k_chunk " + std::to_string(plan.kChunk) + " exceeds the " + std::to_string(p.kt) +
                " K tiles");
  if (!plan.kLead.empty() &&
      (llvm::any_of(plan.kLead, [](int64_t k) { return k < 1; }) || plan.leadK() >= p.kt ||
       (p.kt - plan.leadK()) % plan.kChunk))
    return fail("the leading K chunks (" + std::to_string(plan.leadK()) +
                " tiles) and chunks of " + std::to_string(plan.kChunk) + " do not make the " +
                std::to_string(p.kt) + " K tiles");
  // The places of a chunk's stored rhs tiles are found at the chunk's K rows, which assumes
  // chunks of one length.
  if (p.rhsStoredTiles > 0 && (p.kt % plan.kChunk || !plan.kLead.empty()))
    return fail("skipping zero rhs tiles, k_chunk " + std::to_string(plan.kChunk) +
                " must divide the " + std::to_string(p.kt) + " K tiles");
  if (plan.blockM % plan.subM || plan.blockN % plan.subN)
    return fail("the subblock does not divide the block");
  if (plan.subM * plan.subN > p.dstCapacity)
    return fail("a " + std::to_string(plan.subM) + "x" + std::to_string(plan.subN) +
                " subblock exceeds the " + std::to_string(p.dstCapacity) +
                " tiles of Dst a subblock may use");
  if (plan.groups < 1 || p.batch % plan.groups || (plan.groups > 1 && !plan.multicast))
    return fail(std::to_string(plan.groups) +
                " groups of multicasting cores cannot share a batch of " +
                std::to_string(p.batch));
  if (plan.coresX > chip.gridX || plan.coresY * plan.groups > chip.gridY ||
      plan.coresX * plan.coresY != plan.gridM * plan.gridN)
    return fail("the core rectangle (times its groups) does not fit the " +
                std::to_string(chip.gridX) + "x" + std::to_string(chip.gridY) + " grid");
  if (plan.gridM > 1 && plan.gridN > 1 &&
      (plan.coresX != plan.gridN || plan.coresY != plan.gridM || !plan.multicast))
    return fail("a two-dimensional grid of blocks must match its core rectangle and multicast");
  if (p.rhsStoredTiles > 0 && plan.kChunk * plan.blockN > 32 * 32)
    return fail("skipping zero rhs tiles, a chunk's " + std::to_string(plan.kChunk) + "x" +
                std::to_string(plan.blockN) + " rhs tiles must have their places in one tile");
  int64_t bytes = l1Bytes(p, plan);
  if (bytes > l1Budget)
    return fail("needs " + std::to_string(bytes) + " bytes of L1 per core, more than the " +
                std::to_string(l1Budget) + " available");
  return true;
}

MatmulCost cost::estimate(const rt::ChipDesc &chip, const MatmulProblem &p,
                          const MatmulPlan &plan) {
  const double tileA = double(rt::tileBytes(p.lhs)), tileB = double(rt::tileBytes(p.rhs)),
               tileO = double(rt::tileBytes(p.out));
  const double mm = double(rt::matmulCycles(chip, p.lhs, p.rhs, p.fidelity));
  const double reload = double(rt::copyCycles(chip, p.out));
  const double pack = double(rt::packCycles(chip, p.out));
  const double flit = double(chip.nocFlitBytes);
  const double dramAll = chip.dramSustainedBytesPerCycle() * chip.dramChannels;
  // Tiles of an L1 tensor come from every core to every core: each response crosses on average
  // half the torus in x and in y, over NoC0's links. Measured: 40 cores each reading their own
  // 164 KB of an L1 tensor (784x512 bf16, read 8 times over) get 280 B/cycle together, 45% of
  // what the links could carry.
  const double meanHops = (chip.gridX + 1) / 2.0 + (chip.gridY - 1) / 2.0;
  const double l1All =
      kL1NocEfficiency * 2.0 * (chip.gridX + 2) * chip.gridY * flit / std::max(1.0, meanHops);
  // A gathered lhs in L1 takes each request over the NoC whose route is shorter (noc.read_runs
  // over nearer): the links of both NoCs, over shorter routes (kL1GatherNocFactor). Groups of a
  // split K gather the same rows at once, each its own slice of the windows: their requests
  // converge on the few cores that hold those rows, and they keep the all-to-all figure
  // (measured: ResNet-50's layer3 3x3 convolutions at batch 1 split 8 ways, 6.1k cycles where
  // the factor estimates 4.0k).
  const double l1Gathered = plan.groups == 1 ? kL1GatherNocFactor * l1All : l1All;
  const int64_t passes = plan.passes(p), chunks = plan.chunks(p);
  const int64_t tiles = plan.blockM * plan.blockN;
  const int64_t subblocks = tiles / (plan.subM * plan.subN);

  // The compute thread: every instruction costs its tile cycles, CB and loop steps one each.
  // Skipping zero rhs tiles, each K step looks up each column's tile (a load and a loop of
  // zero or one trips) and multiplies only the stored ones.
  // Skipping zero lhs tiles, each row's tile is tested first (the unpacker streams it) and only
  // a nonzero one is multiplied, by each column's tile (looked up first when the rhs skips too).
  const double density = p.rhsBusiestDensity(plan);
  const double column = p.rhsStoredTiles > 0 ? 3.0 + density * mm : mm;
  double kStep = p.rhsStoredTiles > 0
                     ? plan.subN * (3.0 + density * double(plan.subM) * mm) + 1
                     : plan.subM * plan.subN * mm + 1;
  if (plan.skipZeroLhs)
    kStep = plan.subM * (double(rt::tileTestCycles(chip, p.lhs)) + 2.0 +
                         (1.0 - p.lhsZeroShare) * plan.subN * column) +
            1;
  // A chunk of k tiles of K. Its packs are charged after the math, though the packer packs a
  // subblock beside the next one's (runtime/lib/KernelVM.cpp): charged beside it, the chooser
  // took more and shorter K chunks, whose per-chunk supply and reloads the model underestimates
  // (measured: ResNet-50's first 1x1 downsampling in chunks of one tile, 6.2k -> 7.0k cycles; a
  // bfp8 implicit GEMM over 16 56x56x64 images without shards, 71.5k -> 84.6k; a 4096^3 matmul
  // skipping half its weight tiles, 1,135k -> 1,240k), which the packs' cycles stand for.
  auto chunkComputeOf = [&](int64_t k) {
    double perSubblock = 2 /*acquire, release*/ + 3 /*reserve, push, loop*/ + k * kStep +
                         plan.subM * plan.subN * pack;
    return subblocks * perSubblock + 5;
  };
  const int64_t firstK = plan.firstChunk(p);
  // Partial sums packed onto each other in L1 are not reloaded.
  double reloadPerSubblock = plan.accumulatesInL1(p) ? 0 : 2 + plan.subM * plan.subN * reload;
  double chunkCompute = chunkComputeOf(plan.kChunk);
  const llvm::SmallVector<int64_t, 4> lead = plan.leadChunks(p);
  const int64_t leads = lead.size();
  double passChunks = double(chunks - leads) * chunkCompute;
  for (int64_t k : lead)
    passChunks += chunkComputeOf(k);
  MatmulCost c;
  c.compute = passes * (passChunks + (chunks - 1) * subblocks * reloadPerSubblock +
                        tiles * p.epilogueCycles);
  // Operand bytes scale with the K tiles a chunk holds: the passes' chunks hold K tiles in all.
  const double chunkSpan = double(p.kt) / double(plan.kChunk);

  // One chunk's operands. A sender reads a piece from DRAM, waits for it, multicasts it while
  // it reads the next; a core that shares nothing reads its whole block at once. A read is
  // bounded by the core's NoC link, by the links of its column (DRAM responses turn into the
  // destination's column, where the senders of one column share them) and by the chip's DRAM.
  // Groups of rectangles do the same at once on their own batches: `rect` cores share, all
  // `cores` load the channels and links.
  const int64_t rect = plan.coresX * plan.coresY, cores = plan.cores();
  // A round trip to another core's L1 is hops only, half the torus each way on average; DRAM
  // adds its latency.
  const double latency = double(chip.dramLatencyCycles) + 4.0 * chip.nocHopCycles;
  auto latencyOf = [&](bool inL1) { return inL1 ? 2.0 * meanHops * chip.nocHopCycles : latency; };
  struct Operand {
    double tileBytes;     // moved per tile
    int64_t rows, cols;   // of the chunk block, in tiles
    int64_t readers;      // groups of cores that each read the whole chunk
    int64_t group;        // cores that share the chunk (multicast to each other), or 1
    bool shared;
    bool inL1;
    double issue = 0;     // reader cycles per tile, beyond the transfer
    bool local = false;   // gathered from the core's own shard and its neighbours'
    ChunkPieces pieces{{1, 1}, 1, 1};
  };
  bool twoD = plan.gridM > 1 && plan.gridN > 1;
  bool sharedA = plan.multicast && rect > 1 && (twoD || plan.gridM == 1);
  bool sharedB = plan.multicast && rect > 1 && (twoD || plan.gridN == 1);
  // A two-dimensional grid's rows share the lhs and its columns the rhs, one group per row
  // (column); a one-dimensional one shares its operand over the whole rectangle. A shared chunk
  // comes in pieces, spread over senders as the lowering spreads them (spreadsChunk,
  // pieceShape, chunkPieces); a core that shares nothing reads its whole block at once.
  auto operand = [&](bool shared, int64_t rows, int64_t cols, int64_t groups, int64_t group,
                     double tileBytes, bool inL1) {
    Operand o{tileBytes, rows, cols, cores, 1, shared, inL1};
    if (!shared) {
      o.pieces = ChunkPieces{{rows, cols}, 1, 1};
      return o;
    }
    if (!twoD)
      groups = 1, group = rect;
    o.readers = groups * plan.groups;
    o.group = group;
    o.pieces = chunkPieces(rows, cols, twoD, passes, group);
    return o;
  };
  // One chunk of k tiles of K: each operand's supply, and the bytes DRAM and other cores' L1
  // serve.
  struct ChunkSupply {
    double a, b, dramBytes, l1Bytes, l1Cycles;
  };
  auto chunkSupply = [&](int64_t k) {
    Operand a = operand(sharedA, plan.blockM, k, plan.gridM, plan.coresX, tileA, p.lhsInL1);
    Operand b =
        operand(sharedB, k, plan.blockN, plan.gridN, plan.coresY, tileB * density, p.rhsInL1);
    if (p.rhsStoredTiles > 0)
      b.issue = 3.0; // the tile's place looked up, and a loop of zero or one reads
    if (p.lhsRuns > 0) {
      // A gathered tile moves in runs of at least a flit each; the reader spends a cycle on each
      // request and one on its loop step.
      a.tileBytes = double(p.lhsRuns) * std::max<double>(flit, double(p.lhsRunBytes));
      a.issue = 2.0 * double(p.lhsRuns) + 3.0;
    }
    a.local = p.readsLhsLocally(plan);
    auto bytesOf = [](const Operand &o) { return o.readers * o.rows * o.cols * o.tileBytes; };
    // A chunk's bytes that DRAM serves, and that other cores' L1 serves.
    // Every core's chunk together moves the stored tiles, not the busiest core's share.
    double bBytes = bytesOf(b) * p.rhsDensity() / density;
    double chunkBytes = (a.inL1 ? 0.0 : bytesOf(a)) + (b.inL1 ? 0.0 : bBytes);
    // Local gathers load no link but the core's own and a neighbour's.
    double aL1Bytes = a.inL1 && !a.local ? bytesOf(a) : 0.0, bL1Bytes = b.inL1 ? bBytes : 0.0;
    double l1ChunkBytes = aL1Bytes + bL1Bytes;
    // The cycles the links take to serve the chunk's L1 responses, with the DRAM responses that
    // share NoC0's links.
    double l1ChunkCycles = aL1Bytes / (p.lhsRuns > 0 ? l1Gathered : l1All) +
                           (bL1Bytes + chunkBytes) / l1All;
    // Multicasts go -x, -y (NoC1): from a sender above its rectangle's last row they reach the
    // rows below it the long way round the torus, through every other row of the column. The
    // y links of each column carry those bytes of every group's chunk.
    auto wrapped = [&](const Operand &o) {
      int64_t h = o.group > 1 && (!twoD || &o != &a) ? plan.coresY : 1;
      if (h == 1 || h == chip.gridY)
        return 0.0;
      double chunk = double(o.rows * o.cols) * o.tileBytes * double(o.readers) /
                     (twoD ? double(plan.coresX) : 1.0);
      return chunk * double(h - 1) / double(h) / flit;
    };
    auto supply = [&](const Operand &o) {
      // Readers spread over the rectangle's columns (the lhs senders of a two-dimensional grid
      // rotate over them); from DRAM, they share the links out of the DRAM columns and the
      // channels' bandwidth, from L1 only their own link.
      int64_t perColumn = (o.readers + plan.coresX - 1) / plan.coresX;
      const ChunkPieces &cp = o.pieces;
      double tiles = double(cp.shape.rows * cp.shape.cols);
      double piece = tiles * o.tileBytes;
      double share = 1.0 / double(cp.pieces);
      // The L1 responses share NoC0's links with the DRAM responses.
      double dram = o.inL1 ? share * l1ChunkCycles
                           : std::max(perColumn * piece / flit / 2, share * chunkBytes / dramAll);
      double read = latencyOf(o.inL1) + std::max({piece / flit, dram, tiles * o.issue});
      // A core that reads for itself has one chunk in flight, but the channels and links it
      // shares stay busy with the other cores' chunks meanwhile: the round trip is its own, the
      // shared bandwidth everyone's.
      if (o.local)
        return 2.0 * chip.nocHopCycles + std::max(piece / flit, tiles * o.issue);
      if (!o.shared)
        return std::max(latencyOf(o.inL1) + std::max(piece / flit, tiles * o.issue), dram);
      double mcast = piece / flit + std::max(plan.coresX, plan.coresY) * chip.nocHopCycles;
      if (cp.senders == 1)
        return std::max(cp.pieces * std::max(read, mcast), wrapped(o)) + mcast +
               2.0 * cores / double(o.readers);
      // Spread over senders: each reads and multicasts its share, but every piece still enters
      // every core over its one link; each sender raises every other core when its share is there.
      // Each chunk waits for two semaphore round trips across the group (every core's room to the
      // senders, their pieces' landing back), which one sender of many pieces would overlap.
      double perSender = double(cp.pieces / cp.senders);
      return std::max({perSender * std::max(read, mcast), cp.pieces * piece / flit, wrapped(o)}) +
             mcast + 2.0 * double(o.group) + 4.0 * meanHops * chip.nocHopCycles;
    };
    double supplyA = supply(a), supplyB = supply(b);
    // Skipping zero tiles, the writer reads a chunk's places (a run per K row) and waits for them
    // before it reads the chunk's tiles, whose reads then start a round trip later: measured, about
    // two DRAM round trips more per chunk (900 to 1,250 cycles on 512 to 1024 x 2048 x 1024
    // matmuls with a tenth to nine tenths of their weight tiles zero).
    if (p.rhsStoredTiles > 0)
      supplyB += 2.0 * latency + 2.0 * k;
    return ChunkSupply{supplyA, supplyB, chunkBytes, l1ChunkBytes, l1ChunkCycles};
  };
  const ChunkSupply first = chunkSupply(firstK), last = chunkSupply(plan.kChunk);
  const double supplyA = last.a, supplyB = last.b, chunkBytes = last.dramBytes,
               l1ChunkBytes = last.l1Bytes, l1ChunkCycles = last.l1Cycles;
  // Compute starts once the first chunk has come; a pass boundary waits for the next pass's
  // first chunk.
  double slowest = std::max(first.a, first.b);
  c.fill = slowest;
  double perChunk = chunkCompute + (chunks > 1 ? subblocks * reloadPerSubblock : 0);
  // A pass takes as long as the slowest of its three threads: compute, the reader bringing the
  // lhs, and the writer bringing the rhs and then storing the block (waiting for the write to
  // land before it reads on).
  double writeBack = latencyOf(p.outInL1) + plan.subM * plan.subN * tileO / flit;
  double passCompute = c.compute / passes;
  // The reader also brings the residual tiles of the block, a subblock at a time. From L1 they
  // come while every core reads its residual and writes its block: measured, each one-tile
  // round trip then takes about three times the unloaded one (0.6 us in ResNet-50's first
  // downsample, 16 subblocks of one tile per core on 49 cores).
  // From its own shard the round trip is the core's own port's.
  double residualLatency = p.readsResidualLocally(plan) ? double(chip.nocHopCycles)
                           : (p.residualInL1 ? 3.0 : 1.0) * latencyOf(p.residualInL1);
  double residualRead =
      p.hasResidual ? subblocks * (residualLatency +
                                   plan.subM * plan.subN * rt::tileBytes(p.residual) / flit)
                    : 0.0;
  // The chunks after the first: the leading ones' supply, then k_chunk's.
  double laterA = double(chunks - std::max<int64_t>(leads, 1)) * supplyA,
         laterB = double(chunks - std::max<int64_t>(leads, 1)) * supplyB;
  for (int64_t i = 1; i < leads; ++i) {
    ChunkSupply s = chunkSupply(lead[i]);
    laterA += s.a;
    laterB += s.b;
  }
  double passTime = std::max({passCompute, first.a + laterA + residualRead,
                              first.b + laterB + writeBack});
  // Supply that outruns compute includes the first chunk's, which `fill` already counts; the
  // last chunk is computed after it has come.
  c.starved = passTime > passCompute
                  ? std::max(0.0, passes * (passTime - passCompute) - c.fill + perChunk)
                  : 0.0;
  // A shorter chunk gives the next one less compute to arrive behind, in every pass (nothing
  // is read ahead into a chunk of another length); supply slower than compute overall already
  // waits that long.
  if (leads) {
    double wait = 0;
    for (int64_t i = 0; i < leads; ++i) {
      ChunkSupply next = i + 1 < leads ? chunkSupply(lead[i + 1]) : last;
      wait += std::max(0.0, std::max(next.a, next.b) - chunkComputeOf(lead[i]));
    }
    c.starved = std::max(c.starved, passes * wait);
  }
  // Output tiles go to DRAM as the last chunk of a pass packs them. Writes travel along their row
  // to one of the two DRAM columns and converge on the links into them: about four links' worth
  // from a full grid (measured: 2 MiB in about 18k cycles), two per row of cores when fewer.
  // Into L1, the writes of every core spread over the whole grid.
  const double writeBw = p.outInL1 ? flit * double(cores)
                                    : flit * std::min<double>(4.0, 2.0 * plan.coresY * plan.groups);
  double passOut = double(cores * tiles) * tileO;
  // Measured: with multicast a pass boundary costs about one chunk's supply even though the next
  // pass's first chunks are fetched ahead (the senders' handshakes line up behind the last
  // chunk's writes); cores reading for themselves run ahead freely.
  double between = plan.multicast ? (passes - 1) * slowest : 0.0;
  // Every core packs its last subblock at the same time; those writes go out together. A single
  // pass's block, which no read follows, goes to DRAM over both NoCs: measured, 8 MB of a 2048^3
  // matmul's output in about 47k cycles, 1.4 times what one NoC's links take. After earlier
  // passes the kernels do the same, but charging it there brought plans the simulator tells
  // apart within the chooser's tolerance (a 4096^3 matmul's 8 x 16 blocks, 3.1% slower).
  const double lastWriteBw = p.outInL1 || passes > 1 ? writeBw : 1.4 * writeBw;
  double drain = std::max(0.0, passOut / lastWriteBw - perChunk) +
                 double(cores * plan.subM * plan.subN) * tileO / lastWriteBw +
                 latencyOf(p.outInL1);
  double readBytes =
      passes * chunkSpan * chunkBytes +
      (p.hasResidual && !p.residualInL1 ? double(p.batch * p.mt * p.nt) * rt::tileBytes(p.residual)
                                        : 0.0);
  double writeBytes = p.outInL1 ? 0.0 : double(p.batch * p.mt * p.nt) * tileO;
  // The product goes out at the rate of its passes' writes: a single pass's over both NoCs.
  c.dramFloor = readBytes / dramAll + writeBytes / lastWriteBw;
  c.chunkCompute = perChunk;
  c.blockWrite = passOut / writeBw;
  c.operandBytes = passes * chunkSpan * (chunkBytes + l1ChunkBytes);
  double l1Floor =
      l1ChunkBytes > 0 ? passes * chunkSpan * l1ChunkCycles : 0.0;
  c.cycles = std::max({c.fill + c.compute + c.starved + between + drain, c.dramFloor + latency,
                       l1Floor});
  return c;
}

MatmulPlan cost::deferWritesWherePaying(const rt::ChipDesc &chip, const MatmulProblem &p,
                                        MatmulPlan plan, int64_t l1Budget) {
  MatmulPlan deferred = plan;
  deferred.deferWrites = true;
  if (!deferred.defersWrites(p))
    return plan;
  MatmulCost c = estimate(chip, p, plan);
  return c.blockWrite > c.chunkCompute && l1Bytes(p, deferred) <= l1Budget ? deferred : plan;
}

std::vector<MatmulPlan> cost::enumeratePlans(const rt::ChipDesc &chip, const MatmulProblem &p,
                                             int64_t l1Budget) {
  std::vector<MatmulPlan> plans;
  int64_t maxCores = int64_t(chip.gridX) * chip.gridY;
  const std::vector<int64_t> evenChunks = kChunks(p.kt, false), anyChunks = kChunks(p.kt, true);
  auto addBlocks = [&](MatmulPlan base) {
    // A shorter first chunk puts the second chunk's supply on the critical path, which the model
    // underestimates where the whole rectangle shares an operand (a 512x1024x4096 matmul on a
    // [1, 64] grid, K's 32 tiles as 4 + 28: estimated 98.6k cycles, simulated 124.3k), not where
    // rows and columns of cores share them (a 2048^3 one on an [8, 8] grid in bfp8, K's 64 tiles
    // as 16 + 48: estimated 153.9k, simulated 153.6k).
    const std::vector<int64_t> &chunkLengths =
        base.gridM > 1 && base.gridN > 1 ? anyChunks : evenChunks;
    for (int64_t bm : divisors(p.mt / base.gridM, p.mt))
      for (int64_t bn : divisors(p.nt / base.gridN, p.nt))
        for (int64_t sm : divisors(bm, p.dstCapacity))
          for (int64_t sn : divisors(bn, p.dstCapacity / sm))
            for (int64_t kc : chunkLengths) {
              MatmulPlan plan = base;
              plan.blockM = bm;
              plan.blockN = bn;
              plan.subM = sm;
              plan.subN = sn;
              plan.kChunk = kc;
              if (!isValid(chip, p, plan, l1Budget))
                continue;
              plans.push_back(plan);
              // Where rows and columns of cores share the operands, a single pass may also
              // start with short, growing chunks. Not for blocks of few tiles, whose chunks
              // compute too briefly to hide the next one's handshakes and packs (ResNet-50's
              // 14x14 stage in fp32 at batch 1, blocks of one to five tiles: each 1x1
              // convolution 15.5k -> 17.9k cycles with them).
              if (base.gridM == 1 || base.gridN == 1 || plan.passes(p) != 1 ||
                  p.rhsStoredTiles > 0 || bm * bn < 8)
                continue;
              for (std::vector<int64_t> &lead : leadChunkings(p.kt, kc)) {
                MatmulPlan led = plan;
                led.kLead = std::move(lead);
                if (isValid(chip, p, led, l1Budget))
                  plans.push_back(led);
              }
            }
  };
  // A batch may go to groups of rectangles stacked in y, each taking its share in turn. Only
  // one-dimensional grids are grouped: a two-dimensional group's column senders read a chunk of
  // the rhs from DRAM and multicast it before they read the next, which the model does not
  // charge (ResNet-50's last 1x1 reduction at batch 1, four ways: 2x8 groups of 2x8 cores,
  // estimated 8.3k cycles, take 11.8k; 1x16 groups of 8x2 cores take 9.9k).
  for (int64_t g : divisors(p.batch, chip.gridY)) {
    auto grouped = [&](MatmulPlan base) {
      base.groups = g;
      if (base.coresY * g <= chip.gridY)
        addBlocks(base);
    };
    // Two-dimensional: rows of cores share the lhs, columns the rhs.
    for (int64_t gm : divisors(p.mt, chip.gridY))
      for (int64_t gn : divisors(p.nt, chip.gridX))
        if (gm > 1 && gn > 1 && g == 1)
          grouped(MatmulPlan{gm, gn, gn, gm});
    // One operand shared by the whole rectangle (or a single core).
    for (int64_t gn : divisors(p.nt, maxCores))
      if (auto r = rectangle(chip, gn))
        grouped(MatmulPlan{1, gn, r->first, r->second});
    for (int64_t gm : divisors(p.mt, maxCores))
      if (gm > 1)
        if (auto r = rectangle(chip, gm))
          grouped(MatmulPlan{gm, 1, r->first, r->second});
  }
  // Every core reading its own blocks, taken in turn over the batch too: the way to spread
  // many small matmuls (a depthwise convolution's groups) over the grid.
  for (int64_t bm : divisors(p.mt, p.mt))
    for (int64_t bn : divisors(p.nt, p.nt)) {
      int64_t blocks = p.batch * (p.mt / bm) * (p.nt / bn);
      for (int64_t n : divisors(blocks, maxCores))
        if (auto r = rectangle(chip, n))
          for (int64_t sm : divisors(bm, p.dstCapacity))
            for (int64_t sn : divisors(bn, p.dstCapacity / sm))
              for (int64_t kc : anyChunks) {
                MatmulPlan plan{n, 1, r->first, r->second, bm, bn, sm, sn, kc, false};
                if (isValid(chip, p, plan, l1Budget))
                  plans.push_back(plan);
              }
    }
  return plans;
}

std::vector<MatmulPlan> cost::chunkings(const rt::ChipDesc &chip, const MatmulProblem &p,
                                        const MatmulPlan &base, int64_t l1Budget) {
  std::vector<MatmulPlan> plans;
  // As enumeratePlans chunks K: multicast one-dimensional grids by divisors, two-dimensional
  // ones and cores that read for themselves by any length.
  bool anyLength = !base.multicast || (base.gridM > 1 && base.gridN > 1);
  for (int64_t sm : divisors(base.blockM, p.dstCapacity))
    for (int64_t sn : divisors(base.blockN, p.dstCapacity / sm))
      for (int64_t kc : kChunks(p.kt, anyLength)) {
        MatmulPlan plan = base;
        plan.subM = sm;
        plan.subN = sn;
        plan.kChunk = kc;
        if (plan.deferWrites && l1Bytes(p, plan) > l1Budget)
          plan.deferWrites = false;
        if (isValid(chip, p, plan, l1Budget))
          plans.push_back(plan);
      }
  return plans;
}

std::vector<MatmulPlan> cost::rowBlockPlans(const rt::ChipDesc &chip, const MatmulProblem &p,
                                            int64_t cores, int64_t l1Budget) {
  std::vector<MatmulPlan> plans;
  std::optional<std::pair<int64_t, int64_t>> rect = rectangle(chip, cores);
  if (!rect || p.mt % cores || p.batch != 1)
    return plans;
  for (bool multicast : {true, false}) {
    MatmulPlan base{cores, 1, rect->first, rect->second, p.mt / cores, p.nt, 1, 1, 1, multicast};
    for (const MatmulPlan &plan : chunkings(chip, p, base, l1Budget))
      plans.push_back(plan);
  }
  return plans;
}

std::optional<MatmulPlan> cost::choosePlan(const rt::ChipDesc &chip, const MatmulProblem &p,
                                           int64_t l1Budget, bool spareL1) {
  std::vector<MatmulPlan> plans = enumeratePlans(chip, p, l1Budget);
  std::vector<double> cycles, operandBytes;
  std::optional<size_t> fastest;
  for (size_t i = 0; i < plans.size(); ++i) {
    MatmulCost c = estimate(chip, p, plans[i]);
    cycles.push_back(c.cycles);
    operandBytes.push_back(c.operandBytes);
    if (!fastest || cycles[i] < cycles[*fastest] ||
        (cycles[i] == cycles[*fastest] && l1Bytes(p, plans[i]) < l1Bytes(p, plans[*fastest])))
      fastest = i;
  }
  if (!fastest)
    return std::nullopt;
  // Plans within kTimeTolerance of the fastest are as fast as the model can tell: of those, the
  // one whose operands cross the NoC fewest times (read again in fewer passes, from DRAM or L1),
  // and with tensors kept in L1 meanwhile, the one that takes the least L1 leaves them the most
  // room. Plans still tied are usually bound alike by a bandwidth all cores share (the L1 of an
  // interleaved tensor, DRAM): the one on more cores, as that bound is the model's least
  // certain term (ResNet-50's stem at batch 16 in bfp4: 32 and 64 cores both estimated 370.1k
  // cycles, simulated 391k and 260k).
  size_t chosen = *fastest;
  // Leading chunks are taken only where the model finds them the fastest outright: they save
  // L1 too, which would otherwise tip ties their way that the simulator does not bear out (the
  // BERT-Large layer's bfp4 matmuls: 1,013.2 -> 1,023.2 us).
  for (size_t i = 0; i < plans.size(); ++i) {
    if (cycles[i] > cycles[*fastest] * (1.0 + kTimeTolerance) ||
        (!plans[i].kLead.empty() && i != *fastest))
      continue;
    if (operandBytes[i] != operandBytes[chosen]) {
      if (operandBytes[i] < operandBytes[chosen])
        chosen = i;
      continue;
    }
    int64_t l1 = spareL1 ? l1Bytes(p, plans[i]) : 0, l1Chosen = spareL1 ? l1Bytes(p, plans[chosen]) : 0;
    if (l1 < l1Chosen || (l1 == l1Chosen && cycles[i] < cycles[chosen]) ||
        (l1 == l1Chosen && cycles[i] == cycles[chosen] &&
         plans[i].cores() > plans[chosen].cores()))
      chosen = i;
  }
  return plans[chosen];
}
