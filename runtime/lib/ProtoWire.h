//===- ProtoWire.h - Protocol buffers' wire format, read and written ------===//
//
// Enough of the wire format for the few ONNX messages tt-run reads and writes
// (OnnxTensor.cpp): varints, fixed 32- and 64-bit words and length-delimited
// fields, with any other field skipped. Linking libprotobuf for them cost every
// run of tt-run about 5 ms at start-up (its relocations and descriptor
// registration), a fifth of a small model's whole run.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_LIB_PROTOWIRE_H
#define TESSEL_RUNTIME_LIB_PROTOWIRE_H

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace tessel::rt::wire {

enum Type : int { Varint = 0, Fixed64 = 1, Bytes = 2, Fixed32 = 5 };

/// Reads the fields of one message in order. Any read past the end or malformed field leaves it
/// failed (`ok` false), after which every read yields zeros.
class Reader {
public:
  Reader(const uint8_t *data, size_t size) : p(data), end(data + size) {}
  explicit Reader(std::string_view bytes)
      : Reader(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()) {}

  bool ok() const { return good; }
  /// The next field's number and wire type; false at the end of the message or on an error.
  bool next(uint32_t &field, int &type) {
    if (!good || p == end)
      return false;
    uint64_t tag = varint();
    field = uint32_t(tag >> 3);
    type = int(tag & 7);
    if (field == 0 || (type != Varint && type != Fixed64 && type != Bytes && type != Fixed32))
      good = false;
    return good;
  }
  uint64_t varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p == end)
        break;
      uint8_t byte = *p++;
      value |= uint64_t(byte & 0x7f) << shift;
      if (!(byte & 0x80))
        return value;
    }
    good = false;
    return 0;
  }
  uint64_t fixed(int bytes) {
    uint64_t value = 0;
    if (!take(size_t(bytes)))
      return 0;
    std::memcpy(&value, p - bytes, size_t(bytes)); // little-endian, as the format
    return value;
  }
  std::string_view bytes() {
    uint64_t n = varint();
    if (!good || n > uint64_t(end - p)) {
      good = false;
      return {};
    }
    take(size_t(n));
    return {reinterpret_cast<const char *>(p - n), size_t(n)};
  }
  /// Skips the value of a field of wire type `type`.
  void skip(int type) {
    switch (type) {
    case Varint: varint(); break;
    case Fixed64: take(8); break;
    case Fixed32: take(4); break;
    default: bytes(); break;
    }
  }
  /// Calls `add(value)` for each value of a repeated scalar field of wire type `type`, packed
  /// (Bytes) or not; `scalar` is the type of one value (Varint, Fixed32 or Fixed64).
  /// A field of another wire type is skipped, as a parser skips a field it does not know.
  template <typename Add> void repeated(int type, int scalar, Add add) {
    if (type != Bytes) {
      if (type == scalar)
        add(one(scalar));
      else
        skip(type);
      return;
    }
    Reader packed(bytes());
    while (packed.good && packed.p != packed.end)
      add(packed.one(scalar));
    good = good && packed.good;
  }

private:
  const uint8_t *p, *end;
  bool good = true;

  bool take(size_t n) {
    if (size_t(end - p) < n) {
      good = false;
      return false;
    }
    p += n;
    return true;
  }
  uint64_t one(int scalar) {
    return scalar == Varint ? varint() : fixed(scalar == Fixed32 ? 4 : 8);
  }
};

/// Calls `onField(reader, field, type)` for each field of the message `bytes`, which reads or
/// skips the field's value and returns false to stop; true if every field was read and the
/// message is well formed.
template <typename OnField> bool forEachField(std::string_view bytes, OnField onField) {
  Reader r(bytes);
  uint32_t field;
  int type;
  while (r.next(field, type))
    if (!onField(r, field, type))
      return false;
  return r.ok();
}

/// Appends fields to a message, in the order it is given them.
class Writer {
public:
  void varint(uint32_t field, uint64_t value) {
    tag(field, Varint);
    raw(value);
  }
  void bytes(uint32_t field, std::string_view value) {
    tag(field, Bytes);
    raw(value.size());
    out.append(value.data(), value.size());
  }
  const std::string &str() const { return out; }

private:
  std::string out;

  void tag(uint32_t field, int type) { raw(uint64_t(field) << 3 | uint64_t(type)); }
  void raw(uint64_t value) {
    for (; value >= 0x80; value >>= 7)
      out.push_back(char(uint8_t(value) | 0x80));
    out.push_back(char(value));
  }
};

} // namespace tessel::rt::wire

#endif
