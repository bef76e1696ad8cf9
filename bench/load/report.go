package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
)

// result is one kind of request in one scenario.
type result struct {
	scenario string
	op       string
	n        int // requests that finished, answered or not
	errs     int // of which not 2xx/3xx, or failed
	fails    int // of which failed with no answer (timeouts, connections)
	elapsed  time.Duration
	lats     []time.Duration // of answered requests, sorted
	first    []string        // the first few errors
	note     string
}

func (r *recorder) result(scenario string, elapsed time.Duration, note string) result {
	r.mu.Lock()
	defer r.mu.Unlock()
	lats := slices.Clone(r.lats)
	slices.Sort(lats)
	return result{scenario: scenario, op: r.op, n: r.n, errs: r.errs, fails: r.fails, elapsed: elapsed,
		lats: lats, first: slices.Clone(r.first), note: note}
}

// rate is the successful requests per second of the scenario's wall time.
func (r result) rate() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.n-r.errs) / r.elapsed.Seconds()
}

// pct returns the q-quantile of the latencies (nearest rank).
func (r result) pct(q float64) time.Duration {
	if len(r.lats) == 0 {
		return 0
	}
	i := int(q*float64(len(r.lats))+0.5) - 1
	return r.lats[min(max(i, 0), len(r.lats)-1)]
}

func (r result) max() time.Duration {
	if len(r.lats) == 0 {
		return 0
	}
	return r.lats[len(r.lats)-1]
}

// ms prints a duration in milliseconds, or in seconds from one second.
func ms(d time.Duration) string {
	switch {
	case d == 0:
		return "–"
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= 100*time.Millisecond:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

// print shows the result as the scenario ends.
func (r result) print() {
	fmt.Printf("  %-12s %-9s %6d req %5d err  %8.1f ok/s  p50 %-8s p90 %-8s p99 %-8s max %-8s %s\n",
		r.scenario, r.op, r.n, r.errs, r.rate(), ms(r.pct(.5)), ms(r.pct(.9)), ms(r.pct(.99)), ms(r.max()), r.note)
	for _, e := range r.first {
		fmt.Printf("      error: %s\n", e)
	}
}

func (r result) row() string {
	errs := fmt.Sprint(r.errs)
	if r.fails > 0 {
		errs += fmt.Sprintf(" (%d no answer)", r.fails)
	}
	return fmt.Sprintf("| %s | %s | %d | %s | %.1f | %s | %s | %s | %s | %s |", r.scenario, r.op, r.n, errs, r.rate(),
		ms(r.pct(.5)), ms(r.pct(.9)), ms(r.pct(.99)), ms(r.max()), r.note)
}

// machine describes where the run happened.
func machine(size string, clients int, d time.Duration) string {
	return fmt.Sprintf("%s; %d CPUs (%s); %s; size %s; %d clients; %s per scenario",
		time.Now().Format("2006-01-02 15:04 MST"), runtime.NumCPU(), cpuModel(), runtime.Version(), size, clients, d)
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// report is everything the run prints at the end.
type report struct {
	machine string
	lines   []string // start-up, seeding, shutdown, check: one line each
	results []result
}

func (rp *report) markdown(w io.Writer) {
	fmt.Fprintf(w, "\n### Load run: %s\n\n", rp.machine)
	for _, l := range rp.lines {
		fmt.Fprintf(w, "- %s\n", l)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| scenario | op | requests | errors | ok req/s | p50 | p90 | p99 | max | notes |")
	fmt.Fprintln(w, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
	for _, r := range rp.results {
		fmt.Fprintln(w, r.row())
	}
	fmt.Fprintln(w)
}

func (rp *report) appendTo(path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	rp.markdown(f)
	return f.Close()
}
