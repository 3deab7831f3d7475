// Runs an ONNX model with ONNX Runtime's CPU execution provider and reports times as JSON.
//   node ort_run.js MODEL.onnx THREADS REPEATS IN.npy... -- OUT.npy...
// Inputs are float32 or int64 .npy files, outputs float32; times are milliseconds.
const fs = require('fs');
const ort = require('onnxruntime-node');

function readNpy(path) {
  const buf = fs.readFileSync(path);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.toString('latin1', 10, 10 + headerLen);
  const shape = header.match(/'shape': \(([^)]*)\)/)[1].split(',').filter(s => s.trim()).map(Number);
  const start = 10 + headerLen;
  const bytes = buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + buf.length);
  // Token ids and other integer inputs come as int64.
  if (header.includes("'<i8'")) return new ort.Tensor('int64', new BigInt64Array(bytes), shape);
  if (!header.includes("'<f4'")) throw new Error(`${path}: expected a float32 or int64 .npy`);
  return new ort.Tensor('float32', new Float32Array(bytes), shape);
}

function writeNpy(path, tensor) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${tensor.dims.join(', ')}${tensor.dims.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const pre = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(pre);
  pre.writeUInt16LE(header.length, 8);
  const data = Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  fs.writeFileSync(path, Buffer.concat([pre, Buffer.from(header, 'latin1'), data]));
}

(async () => {
  const args = process.argv.slice(2);
  const [model, threads, repeats] = [args[0], Number(args[1]), Number(args[2])];
  const sep = args.indexOf('--');
  const inputs = args.slice(3, sep < 0 ? args.length : sep);
  const outputs = sep < 0 ? [] : args.slice(sep + 1);
  const t0 = process.hrtime.bigint();
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionProviders: ['cpu'] });
  const feeds = {};
  session.inputNames.forEach((name, i) => { feeds[name] = readNpy(inputs[i]); });
  const t1 = process.hrtime.bigint();
  let result = await session.run(feeds);
  const t2 = process.hrtime.bigint();
  const times = [];
  for (let i = 0; i < repeats; i++) {
    const s = process.hrtime.bigint();
    result = await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  session.outputNames.forEach((name, i) => { if (outputs[i]) writeNpy(outputs[i], result[name]); });
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({
    load_ms: Number(t1 - t0) / 1e6, first_run_ms: Number(t2 - t1) / 1e6,
    median_run_ms: times[Math.floor(times.length / 2)] }));
})().catch(e => { console.error(`ort_run: ${e.message}`); process.exit(1); });
