// Package statustable holds the README's tables of a provider's native
// statuses to the test of that provider's mapping: every row of a table is
// an entry of the provider's map, and every entry a row.
//
// A provider's tables stand between the markers
// <!-- NAME-statuses:start --> and <!-- NAME-statuses:end -->, one
// Markdown table per status type, its first header cell naming the type:
//
//	| Stripe refund | unified |
//	| --- | --- |
//	| `pending` | `pending` |
//	| other | `pending` |
//
// The row "other" gives the status of a native status the map does not
// list.
package statustable

import (
	"fmt"
	"os"
	"slices"
	"strings"
)

// Other is the native cell of the row giving the fallback of a table.
const Other = "other"

// Table is one status type's mapping: native status to unified status,
// and Fallback, what a status the map does not list becomes.
type Table struct {
	Map      map[string]string
	Fallback string
}

// Of returns the Table of a provider's map and fallback.
func Of[U ~string](m map[string]U, fallback U) Table {
	t := Table{Map: make(map[string]string, len(m)), Fallback: string(fallback)}
	for native, unified := range m {
		t.Map[native] = string(unified)
	}
	return t
}

// Check compares the tables between the name-statuses markers of the
// README at path with want, keyed by each table's first header cell, and
// returns one line for each difference: a table or row the README lacks,
// and a row that is wrong or maps no status of the provider. It returns an
// error if the README cannot be read or lacks the markers.
func Check(path, name string, want map[string]Table) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	start, end := "<!-- "+name+"-statuses:start -->\n", "<!-- "+name+"-statuses:end -->"
	s := string(b)
	i, j := strings.Index(s, start), strings.Index(s, end)
	if i < 0 || j < i {
		return nil, fmt.Errorf("%s lacks the %q ... %q markers", path, start, end)
	}
	got, problems := parse(s[i+len(start) : j])
	for _, title := range sortedKeys(got) {
		if _, ok := want[title]; !ok {
			problems = append(problems, fmt.Sprintf("README table %q is of no status type the provider maps", title))
		}
	}
	for _, title := range sortedKeys(want) {
		w, readme := want[title], got[title]
		if readme == nil {
			problems = append(problems, fmt.Sprintf("README lacks the table %q", title))
			continue
		}
		all := rows(w)
		for _, native := range sortedKeys(readme) {
			unified, known := all[native]
			switch {
			case !known:
				problems = append(problems, fmt.Sprintf("README table %q: row %s -> %s, but the provider maps no status %s", title, native, readme[native], native))
			case readme[native] != unified:
				problems = append(problems, fmt.Sprintf("README table %q: row %s -> %s, but the provider maps %s to %s", title, native, readme[native], native, unified))
			}
		}
		for _, native := range sortedKeys(all) {
			if _, ok := readme[native]; !ok {
				problems = append(problems, fmt.Sprintf("README table %q lacks the row %s -> %s", title, native, all[native]))
			}
		}
	}
	return problems, nil
}

// rows returns the rows a table must have: its map and its fallback.
func rows(t Table) map[string]string {
	all := map[string]string{Other: t.Fallback}
	for native, unified := range t.Map {
		all[native] = unified
	}
	return all
}

// parse reads the Markdown tables of s, keyed by their first header cell,
// and reports rows that are not two cells or are given twice.
func parse(s string) (map[string]map[string]string, []string) {
	tables := map[string]map[string]string{}
	var problems []string
	var title string
	var lines []string
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") {
			title, lines = "", nil
			continue
		}
		lines = append(lines, line)
		cells := cells(line)
		switch {
		case len(lines) == 1:
			title = cells[0]
			tables[title] = map[string]string{}
		case len(lines) == 2: // | --- | --- |
		case len(cells) != 2:
			problems = append(problems, fmt.Sprintf("README table %q: row %q is not two cells", title, line))
		case tables[title][cells[0]] != "":
			problems = append(problems, fmt.Sprintf("README table %q: %s has two rows", title, cells[0]))
		default:
			tables[title][cells[0]] = cells[1]
		}
	}
	return tables, problems
}

// cells returns the cells of a table row, without spaces and backquotes.
func cells(line string) []string {
	parts := strings.Split(strings.Trim(line, "|"), "|")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), "`")
	}
	return parts
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
