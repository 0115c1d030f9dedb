"use strict"
// Timing helpers for the benchmarks. `compare` interleaves short rounds of the candidate and its baseline
// and takes medians, so machine load that drifts during the run hits both sides alike.

function timeFor(fn, ms) {
  const end = performance.now() + ms
  const start = performance.now()
  let n = 0
  while (performance.now() < end) {
    fn()
    n++
  }
  return (performance.now() - start) / n
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

/** ms per op of `ours` and `base`, medians over `rounds` interleaved rounds of `roundMs` each */
function compare(ours, base, { rounds = 7, roundMs = 150, warmupMs = 150 } = {}) {
  timeFor(ours, warmupMs)
  timeFor(base, warmupMs)
  const a = []
  const b = []
  for (let i = 0; i < rounds; i++) {
    a.push(timeFor(ours, roundMs))
    b.push(timeFor(base, roundMs))
  }
  return { ours: median(a), base: median(b) }
}

function report(title, header, rows) {
  const widths = header.map((h, i) => Math.max(String(h).length, ...rows.map((r) => String(r[i]).length)))
  const line = (cells) => cells.map((c, i) => String(c).padStart(widths[i])).join("  ")
  console.log(`\n${title}`)
  console.log(line(header))
  for (const r of rows) console.log(line(r))
}

module.exports = { compare, median, report }
