/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/unit/golden_tracefile.h: expected outputs of test_tracefile.c. To review or update
 * them: LT_GOLDEN_DIR=/tmp/g build/host/tests/test_tracefile writes what the code prints.
 */

/* `lazytrace dump` of the noflush scenario with map probes (text, no colour) */
static const char GOLDEN_DUMP[] =
	"       0.000  sh/71                    1  enable  enter    depth 1  scenario_write+0x690\n"
	"       1.000  sh/71                    1      defer   pte x8   __set_ptes_anysz.constprop.0+0xd4\n"
	"       9.000  sh/71                    1      map     __kernel_map_pages pages=1 enable=1\n"
	"      10.000  sh/71                    1      map     set_memory_valid addr=0xffff000012345000 pages=1 enable=1\n"
	"      11.000  sh/71                    1    enable  nest     depth 2  update_range_prot+0x1e8\n"
	"      13.000  sh/71                    1        defer   pte x1   addr=0xffff000012345000 entry=0xffff0000c01048d0  pageattr_pte_entry+0x94\n"
	"      14.000  sh/71                    1    disable noflush  depth 1  update_range_prot+0x208\n"
	"      15.000  sh/71                    1      return  set_memory_valid addr=0xffff000012345000 pages=1\n"
	"      16.000  sh/71                    1      return  __kernel_map_pages addr=0xffff000012345000 pages=1\n"
	"      16.000  sh/71                    1  HAZARD potential addr=0xffff000012345000 section #2 (update_range_prot+0x1e8) deferred at pageattr_pte_entry+0x94, 3.000 us before returning to the caller\n"
	"      17.000  sh/71                    1      access  clear_page addr=0xffff000012345000\n"
	"      17.000  sh/71                    1  HAZARD confirmed addr=0xffff000012345000 section #2 (update_range_prot+0x1e8) deferred at pageattr_pte_entry+0x94, 4.000 us before clear_page\n"
	"                                              at clear_page+0x10\n"
	"                                              at update_range_prot+0x40\n"
	"                                              at scenario_write+0x6b0\n"
	"      18.000  sh/71                    1      defer   pte x5   __set_ptes_anysz.constprop.0+0xd4\n"
	"      23.000  sh/71                    1      flush   completes 14 deferred  scenario_write+0x6f0\n"
	"      24.000  sh/71                    1  disable leave    depth 0  scenario_write+0x6e0\n"
	"--- summary\n"
	"events            26\n"
	"sections          2 (1 nested, max depth 2)\n"
	"deferred updates  14\n"
	"flushes           1\n"
	"hazards           1 confirmed, 1 potential\n"
	"lost events       0\n"
	"anomalies         0\n";

/* `dump --format perfetto` of the small recording (a lost record in it) */
static const char GOLDEN_PERFETTO[] =
	"{\"traceEvents\":[\n"
	"{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":7,\"tid\":7,\"args\":{\"name\":\"t\"}},\n"
	"{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":7,\"tid\":7,\"args\":{\"name\":\"t\"}},\n"
	"{\"name\":\"scenario_write+0x690\",\"cat\":\"section\",\"ph\":\"B\",\"ts\":0.000,\"pid\":7,\"tid\":7,\"args\":{\"section\":1,\"action\":\"enter\",\"depth\":1}},\n"
	"{\"name\":\"pte update\",\"cat\":\"pte\",\"ph\":\"i\",\"ts\":1.000,\"pid\":7,\"tid\":7,\"s\":\"t\",\"args\":{\"addr\":\"0xffff000012345000\",\"entry\":\"0xffff0000c01048d0\",\"deferred\":false,\"site\":\"pageattr_pte_entry+0x0\"}},\n"
	"{\"name\":\"defer pte\",\"cat\":\"defer\",\"ph\":\"i\",\"ts\":2.000,\"pid\":7,\"tid\":7,\"s\":\"t\",\"args\":{\"addr\":\"0xffff000012345000\",\"entry\":\"0xffff0000c01048d0\",\"level\":\"pte\",\"site\":\"pageattr_pte_entry+0x94\",\"section\":1,\"depth\":1}},\n"
	"{\"name\":\"pending barriers\",\"ph\":\"C\",\"ts\":2.000,\"pid\":7,\"tid\":7,\"id\":7,\"args\":{\"pending\":1}},\n"
	"{\"name\":\"lost 42 events\",\"cat\":\"lost\",\"ph\":\"i\",\"ts\":2.999,\"pid\":0,\"tid\":0,\"s\":\"g\",\"args\":{\"count\":42}},\n"
	"{\"name\":\"lost\",\"cat\":\"lost\",\"ph\":\"i\",\"ts\":2.999,\"pid\":7,\"tid\":7,\"s\":\"t\",\"args\":{\"count\":42}},\n"
	"{\"name\":\"pending barriers\",\"ph\":\"C\",\"ts\":2.999,\"pid\":7,\"tid\":7,\"id\":7,\"args\":{\"pending\":0}},\n"
	"{\"name\":\"access clear_page\",\"cat\":\"access\",\"ph\":\"i\",\"ts\":3.000,\"pid\":7,\"tid\":7,\"s\":\"t\",\"args\":{\"addr\":\"0xffff000012345000\",\"site\":\"clear_page+0x0\"}},\n"
	"{\"name\":\"flush\",\"cat\":\"flush\",\"ph\":\"i\",\"ts\":4.000,\"pid\":7,\"tid\":7,\"s\":\"t\",\"args\":{\"count\":1,\"site\":\"scenario_write+0x6f0\",\"section\":1}},\n"
	"{\"name\":\"pending barriers\",\"ph\":\"C\",\"ts\":4.000,\"pid\":7,\"tid\":7,\"id\":7,\"args\":{\"pending\":0}},\n"
	"{\"name\":\"scenario_write+0x690\",\"cat\":\"section\",\"ph\":\"E\",\"ts\":5.000,\"pid\":7,\"tid\":7,\"args\":{\"section\":1,\"action\":\"leave\",\"site\":\"scenario_write+0x6e0\"}}\n"
	"],\"displayTimeUnit\":\"ns\",\"otherData\":{\"tool\":\"lazytrace\",\"events\":7,\"sections\":1,\"nested_sections\":0,\"max_depth\":1,\"deferred_ptes\":1,\"flushes\":1,\"hazards_confirmed\":0,\"hazards_potential\":0,\"lost_events\":42,\"anomalies\":1}}\n";

/* `dump --from 0.000012 --to 0.000016` of the noflush recording */
static const char GOLDEN_WINDOW[] =
	"       0.000  sh/71                    1    enable  nest     depth 2  update_range_prot+0x1e8\n"
	"       2.000  sh/71                    1        defer   pte x1   addr=0xffff000012345000 entry=0xffff0000c01048d0  pageattr_pte_entry+0x94\n"
	"       3.000  sh/71                    1    disable noflush  depth 1  update_range_prot+0x208\n"
	"       4.000  sh/71                    1      return  set_memory_valid addr=0xffff000012345000 pages=1\n"
	"--- summary\n"
	"events            5\n"
	"sections          1 (1 nested, max depth 2)\n"
	"deferred updates  1\n"
	"flushes           0\n"
	"hazards           0 confirmed, 0 potential\n"
	"lost events       0\n"
	"anomalies         0\n";

/* `stats` of seed 8 5 under nested (DIR: the test's directory) */
static const char GOLDEN_STATS_NESTED[] =
	"trace    DIR/nested.lt (complete)\n"
	"kernel   7.2.0-lazytrace aarch64, build id 0123456789abcdef0123456789abcdef01234567\n"
	"mode     tracepoints, nesting nested\n"
	"layout   not recorded (4K pages)\n"
	"\n"
	"events             23\n"
	"sections           2\n"
	"nested_sections    1\n"
	"max_depth          2\n"
	"deferred_ptes      14\n"
	"flushes            2\n"
	"hazards_confirmed  0\n"
	"hazards_potential  0\n"
	"lost_events        0\n"
	"lost_ring_full     0\n"
	"lost_recursion     0\n"
	"lost_evicted       0\n"
	"lost_kprobe_missed 0\n"
	"lost_kretprobe_missed 0\n"
	"lost_map_full      0\n"
	"lost_names         0\n"
	"gaps               0\n"
	"anomalies          0\n"
	"\n"
	"site                     sections  nested  deferred  flushes  mean pending   max pending  hazards\n"
	"scenario_write+0x690            1       0        13        1      5.769 us     11.000 us        0\n"
	"update_range_prot+0x1e8         1       1         1        1      1.000 us      1.000 us        0\n";

/* `stats --json` of seed 8 5 under flat */
static const char GOLDEN_STATS_FLAT_JSON[] =
	"{\"type\":\"stats\",\"trace\":{\"file\":\"DIR/flat.lt\",\"state\":\"complete\",\"release\":\"7.2.0-lazytrace\",\"build_id\":\"0123456789abcdef0123456789abcdef01234567\",\"machine\":\"aarch64\",\"mode\":\"tracepoints\",\"nesting\":\"flat\",\"page_size\":4096,\"layout\":\"\",\"redacted\":false},\"events\":17,\"sections\":2,\"nested_sections\":1,\"max_depth\":2,\"deferred_ptes\":9,\"flushes\":1,\"hazards_confirmed\":0,\"hazards_potential\":0,\"lost_events\":0,\"lost_ring_full\":0,\"lost_recursion\":0,\"lost_evicted\":0,\"lost_kprobe_missed\":0,\"lost_kretprobe_missed\":0,\"lost_map_full\":0,\"lost_names\":0,\"gaps\":0,\"anomalies\":0,\"sites\":[{\"site\":\"scenario_write+0x690\",\"sections\":1,\"nested\":0,\"deferred_ptes\":8,\"flushes\":0,\"completed\":8,\"mean_pending_ns\":7500,\"max_pending_ns\":11000,\"hazards\":0,\"hazards_confirmed\":0,\"hazards_potential\":0},{\"site\":\"update_range_prot+0x1e8\",\"sections\":1,\"nested\":1,\"deferred_ptes\":1,\"flushes\":1,\"completed\":1,\"mean_pending_ns\":1000,\"max_pending_ns\":1000,\"hazards\":0,\"hazards_confirmed\":0,\"hazards_potential\":0}]}\n";

/* `compare nested.lt flat.lt`: flat defers 5 fewer (C is immediate) */
static const char GOLDEN_COMPARE[] =
	"A  DIR/nested.lt (7.2.0-lazytrace, nesting nested, complete)\n"
	"B  DIR/flat.lt (7.2.0-lazytrace, nesting flat, complete)\n"
	"\n"
	"totals                            A           B       delta      B/A\n"
	"  events                         23          17          -6     0.74\n"
	"  sections                        2           2          +0     1.00\n"
	"  nested_sections                 1           1          +0     1.00\n"
	"  max_depth                       2           2          +0     1.00\n"
	"  deferred_ptes                  14           9          -5     0.64\n"
	"  flushes                         2           1          -1     0.50\n"
	"  hazards_confirmed               0           0          +0        -\n"
	"  hazards_potential               0           0          +0        -\n"
	"  lost_events                     0           0          +0        -\n"
	"  lost_ring_full                  0           0          +0        -\n"
	"  lost_recursion                  0           0          +0        -\n"
	"  lost_evicted                    0           0          +0        -\n"
	"  lost_kprobe_missed              0           0          +0        -\n"
	"  lost_kretprobe_missed           0           0          +0        -\n"
	"  lost_map_full                   0           0          +0        -\n"
	"  lost_names                      0           0          +0        -\n"
	"  gaps                            0           0          +0        -\n"
	"  anomalies                       0           0          +0        -\n"
	"\n"
	"site scenario_write+0x690\n"
	"  sections                        1           1          +0     1.00\n"
	"  nested                          0           0          +0        -\n"
	"  deferred PTEs                  13           8          -5     0.62\n"
	"  flushes                         1           0          -1     0.00\n"
	"  mean pending (us)           5.769       7.500      +1.731     1.30\n"
	"  max pending (us)           11.000      11.000      +0.000     1.00\n"
	"  hazards                         0           0          +0        -\n"
	"\n"
	"site update_range_prot+0x1e8\n"
	"  sections                        1           1          +0     1.00\n"
	"  nested                          1           1          +0     1.00\n"
	"  deferred PTEs                   1           1          +0     1.00\n"
	"  flushes                         1           1          +0     1.00\n"
	"  mean pending (us)           1.000       1.000      +0.000     1.00\n"
	"  max pending (us)            1.000       1.000      +0.000     1.00\n"
	"  hazards                         0           0          +0        -\n";

/* `compare --json nested.lt flat.lt` */
static const char GOLDEN_COMPARE_JSON[] =
	"{\"type\":\"compare\",\"a\":{\"file\":\"DIR/nested.lt\",\"state\":\"complete\",\"release\":\"7.2.0-lazytrace\",\"build_id\":\"0123456789abcdef0123456789abcdef01234567\",\"machine\":\"aarch64\",\"mode\":\"tracepoints\",\"nesting\":\"nested\",\"page_size\":4096,\"layout\":\"\",\"redacted\":false},\"b\":{\"file\":\"DIR/flat.lt\",\"state\":\"complete\",\"release\":\"7.2.0-lazytrace\",\"build_id\":\"0123456789abcdef0123456789abcdef01234567\",\"machine\":\"aarch64\",\"mode\":\"tracepoints\",\"nesting\":\"flat\",\"page_size\":4096,\"layout\":\"\",\"redacted\":false},\"totals\":{\"events\":{\"a\":23,\"b\":17,\"delta\":-6,\"ratio\":0.7391},\"sections\":{\"a\":2,\"b\":2,\"delta\":0,\"ratio\":1.0000},\"nested_sections\":{\"a\":1,\"b\":1,\"delta\":0,\"ratio\":1.0000},\"max_depth\":{\"a\":2,\"b\":2,\"delta\":0,\"ratio\":1.0000},\"deferred_ptes\":{\"a\":14,\"b\":9,\"delta\":-5,\"ratio\":0.6429},\"flushes\":{\"a\":2,\"b\":1,\"delta\":-1,\"ratio\":0.5000},\"hazards_confirmed\":{\"a\":0,\"b\":0,\"delta\":0,\"ratio\":null},\"hazards_potential\":{\"a\":0,\"b\":0,\"delta\":0,\"ratio\":null},\"lost_events\":{\"a\":0,\"b\":0,\"delta\":0,\"ratio\":null},\"lost_ring_full\":{\"a\":0,\"b\":0,\"delta\":0,\"ratio\":null},\"lost_recursion\":{\"a\":0,\"b\":0,\"delta\":0,\"ratio\":null},\"lost_evicted\":{\"a\":0,\"b\":0,\"delta\":0,\"ratio\":null},\"lost_kprobe_missed\":{\"a\":0,\"b\":0,\"delta\":0,\"ratio\":null},\"lost_kretprobe_missed\":{\"a\":0,\"b\":0,\"delta\":0,\"ratio\":null},\"lost_map_full\":{\"a\":0,\"b\":0,\"delta\":0,\"ratio\":null},\"lost_names\":{\"a\":0,\"b\":0,\"delta\":0,\"ratio\":null},\"gaps\":{\"a\":0,\"b\":0,\"delta\":0,\"ratio\":null},\"anomalies\":{\"a\":0,\"b\":0,\"delta\":0,\"ratio\":null}},\"sites\":[{\"site\":\"scenario_write+0x690\",\"sections\":{\"a\":1,\"b\":1,\"delta\":0,\"ratio\":1.0000},\"nested\":{\"a\":0,\"b\":0,\"delta\":0,\"ratio\":null},\"deferred_ptes\":{\"a\":13,\"b\":8,\"delta\":-5,\"ratio\":0.6154},\"flushes\":{\"a\":1,\"b\":0,\"delta\":-1,\"ratio\":0.0000},\"mean_pending_ns\":{\"a\":5769,\"b\":7500,\"delta\":1731,\"ratio\":1.3001},\"max_pending_ns\":{\"a\":11000,\"b\":11000,\"delta\":0,\"ratio\":1.0000},\"hazards\":{\"a\":0,\"b\":0,\"delta\":0,\"ratio\":null}},{\"site\":\"update_range_prot+0x1e8\",\"sections\":{\"a\":1,\"b\":1,\"delta\":0,\"ratio\":1.0000},\"nested\":{\"a\":1,\"b\":1,\"delta\":0,\"ratio\":1.0000},\"deferred_ptes\":{\"a\":1,\"b\":1,\"delta\":0,\"ratio\":1.0000},\"flushes\":{\"a\":1,\"b\":1,\"delta\":0,\"ratio\":1.0000},\"mean_pending_ns\":{\"a\":1000,\"b\":1000,\"delta\":0,\"ratio\":1.0000},\"max_pending_ns\":{\"a\":1000,\"b\":1000,\"delta\":0,\"ratio\":1.0000},\"hazards\":{\"a\":0,\"b\":0,\"delta\":0,\"ratio\":null}}]}\n";
