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

TEST(LinkCalendar, TakesTheFirstFreeCyclesContiguousOrNot) {
  LinkCalendar c;
  EXPECT_EQ(c.reserve(10, 5), std::make_pair(int64_t(10), int64_t(14)));
  EXPECT_EQ(c.reserve(20, 5), std::make_pair(int64_t(20), int64_t(24)));
  // Five free cycles from 8: 8, 9, then 15 to 17 (10 to 14 are taken).
  EXPECT_EQ(c.reserve(8, 5), std::make_pair(int64_t(8), int64_t(17)));
  // Across the word boundary at 64 and the booking at 20.
  EXPECT_EQ(c.reserve(18, 70), std::make_pair(int64_t(18), int64_t(92)));
}

TEST(LinkCalendar, FarAheadBookingsGrowTheRingAndKeepEarlierOnes) {
  LinkCalendar c;
  EXPECT_EQ(c.reserve(100, 64), std::make_pair(int64_t(100), int64_t(163)));
  EXPECT_EQ(c.reserve(5000000, 64), std::make_pair(int64_t(5000000), int64_t(5000063)));
  EXPECT_EQ(c.reserve(90, 20), std::make_pair(int64_t(90), int64_t(173)));
  EXPECT_EQ(c.reserve(4999990, 20), std::make_pair(int64_t(4999990), int64_t(5000073)));
}

TEST(LinkCalendar, SkipsTheWordsItFoundFull) {
  LinkCalendar c;
  EXPECT_EQ(c.reserve(0, 640), std::make_pair(int64_t(0), int64_t(639)));
  // The search meets ten full words: it marks them and lands past them, now and later.
  EXPECT_EQ(c.reserve(5, 3), std::make_pair(int64_t(640), int64_t(642)));
  EXPECT_EQ(c.reserve(0, 1), std::make_pair(int64_t(643), int64_t(643)));
  // A booking far ahead grows the ring; the busy stretch stays busy.
  EXPECT_EQ(c.reserve(100000, 1), std::make_pair(int64_t(100000), int64_t(100000)));
  EXPECT_EQ(c.reserve(64, 2), std::make_pair(int64_t(644), int64_t(645)));
  c.clear();
  EXPECT_EQ(c.reserve(0, 1), std::make_pair(int64_t(0), int64_t(0)));
}

TEST(LinkCalendar, AFullWordForgottenLeavesItsSlotFree) {
  LinkCalendar c;
  EXPECT_EQ(c.reserve(0, 640), std::make_pair(int64_t(0), int64_t(639)));
  EXPECT_EQ(c.reserve(5, 1), std::make_pair(int64_t(640), int64_t(640)));
  c.forgetBefore(640);
  // Word 63 full and word 64, which reuses the slot of word 0, booked; then a search from word
  // 63 into word 64.
  EXPECT_EQ(c.reserve(63 * 64, 64), std::make_pair(int64_t(4032), int64_t(4095)));
  EXPECT_EQ(c.reserve(4100, 1), std::make_pair(int64_t(4100), int64_t(4100)));
  EXPECT_EQ(c.reserve(4032, 1), std::make_pair(int64_t(4096), int64_t(4096)));
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
