package statustable

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestCheck(t *testing.T) {
	readme := filepath.Join(t.TempDir(), "README.md")
	err := os.WriteFile(readme, []byte("text\n<!-- p-statuses:start -->\n"+
		"| P refund | unified |\n| --- | --- |\n| `done` | `succeeded` |\n| `gone` | `failed` |\n| `odd` | `failed` |\n| `odd` | `failed` |\n\n"+
		"| P other | unified |\n| --- | --- |\n| other | `x` |\n"+
		"<!-- p-statuses:end -->\n"), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Table{
		"P refund": {Map: map[string]string{"done": "succeeded", "gone": "canceled", "wait": "pending"}, Fallback: "pending"},
		"P charge": {Map: map[string]string{"ok": "succeeded"}, Fallback: "succeeded"},
	}
	got, err := Check(readme, "p", want)
	if err != nil {
		t.Fatal(err)
	}
	wantProblems := []string{
		`README table "P refund": odd has two rows`,
		`README table "P other" is of no status type the provider maps`,
		`README lacks the table "P charge"`,
		`README table "P refund": row gone -> failed, but the provider maps gone to canceled`,
		`README table "P refund": row odd -> failed, but the provider maps no status odd`,
		`README table "P refund" lacks the row other -> pending`,
		`README table "P refund" lacks the row wait -> pending`,
	}
	if !slices.Equal(got, wantProblems) {
		t.Errorf("problems:\n%q\nwant:\n%q", got, wantProblems)
	}
	if _, err := Check(readme, "q", want); err == nil {
		t.Error("a README without the markers passes")
	}
}
