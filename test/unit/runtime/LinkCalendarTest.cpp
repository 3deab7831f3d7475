// The NoC's link calendar against the plainest model of it: a set of busy cycles.
#include "Noc.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace {

using tessel::rt::LinkCalendar;

/// The first `flits` cycles at or after `earliest` not in `busy`, booked; their first and last.
std::pair<int64_t, int64_t> reference(std::set<int64_t> &busy, int64_t earliest, int64_t flits) {
  int64_t first = -1, last = -1;
  for (int64_t t = earliest; flits > 0; ++t)
    if (busy.insert(t).second) {
      if (first < 0)
        first = t;
      last = t;
      --flits;
    }
  return {first, last};
}

/// The first and last cycle of a booking.
std::pair<int64_t, int64_t> cycles(int64_t first, int64_t last) { return {first, last}; }

TEST(LinkCalendar, TakesTheFirstFreeCyclesContiguousOrNot) {
  LinkCalendar c;
  EXPECT_EQ(c.reserve(10, 5), cycles(10, 14));
  EXPECT_EQ(c.reserve(20, 5), cycles(20, 24));
  // Five free cycles from 8: 8, 9, then 15 to 17 (10 to 14 are taken).
  EXPECT_EQ(c.reserve(8, 5), cycles(8, 17));
  // Across the word boundary at 64 and the booking at 20.
  EXPECT_EQ(c.reserve(18, 70), cycles(18, 92));
}

TEST(LinkCalendar, FarAheadBookingsGrowTheRingAndKeepEarlierOnes) {
  LinkCalendar c;
  EXPECT_EQ(c.reserve(100, 64), cycles(100, 163));
  EXPECT_EQ(c.reserve(5000000, 64), cycles(5000000, 5000063));
  EXPECT_EQ(c.reserve(90, 20), cycles(90, 173));
  EXPECT_EQ(c.reserve(4999990, 20), cycles(4999990, 5000073));
}

TEST(LinkCalendar, SkipsTheWordsItFoundFull) {
  LinkCalendar c;
  EXPECT_EQ(c.reserve(0, 640), cycles(0, 639));
  // The search meets ten full words: it marks them and lands past them, now and later.
  EXPECT_EQ(c.reserve(5, 3), cycles(640, 642));
  EXPECT_EQ(c.reserve(0, 1), cycles(643, 643));
  // A booking far ahead grows the ring; the busy stretch stays busy.
  EXPECT_EQ(c.reserve(100000, 1), cycles(100000, 100000));
  EXPECT_EQ(c.reserve(64, 2), cycles(644, 645));
  c.clear();
  EXPECT_EQ(c.reserve(0, 1), cycles(0, 0));
}

TEST(LinkCalendar, AFullWordForgottenLeavesItsSlotFree) {
  LinkCalendar c;
  EXPECT_EQ(c.reserve(0, 640), cycles(0, 639));
  EXPECT_EQ(c.reserve(5, 1), cycles(640, 640));
  c.forgetBefore(640);
  // Word 63 full and word 64, which reuses the slot of word 0, booked; then a search from word
  // 63 into word 64.
  EXPECT_EQ(c.reserve(63 * 64, 64), cycles(4032, 4095));
  EXPECT_EQ(c.reserve(4100, 1), cycles(4100, 4100));
  EXPECT_EQ(c.reserve(4032, 1), cycles(4096, 4096));
}

TEST(LinkCalendar, AgreesWithASetOfBusyCyclesWhileItForgets) {
  std::mt19937 rng(7);
  for (int round = 0; round < 6; ++round) {
    LinkCalendar c;
    std::set<int64_t> busy;
    int64_t horizon = 0;
    for (int i = 0; i < 2000; ++i) {
      // Mostly just after the present, sometimes far ahead, as DRAM responses are.
      int64_t ahead = rng() % 8 == 0 ? int64_t(rng() % 40000) : int64_t(rng() % 300);
      int64_t earliest = horizon + ahead, flits = 1 + int64_t(rng() % 150);
      ASSERT_EQ(c.reserve(earliest, flits), reference(busy, earliest, flits))
          << "round " << round << ", booking " << i;
      if (rng() % 4 == 0) {
        horizon += int64_t(rng() % 400);
        c.forgetBefore(horizon);
        busy.erase(busy.begin(), busy.lower_bound(horizon));
      }
      if (rng() % 1000 == 0) {
        c.clear();
        busy.clear();
        horizon = 0;
      }
    }
  }
}

} // namespace
