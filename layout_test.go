package paykit_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// richConstructors names the provider packages whose Provider returns more
// than paykit.Provider, with the reason. The local simulator's users drive
// it (the simulated clock, paying a checkout as its payer would, declines,
// its webhook secret), which a paykit.Provider cannot offer.
var richConstructors = map[string]string{
	"local": "*Simulator",
}

// noStatusTables names the provider packages whose wire.go holds no
// native-to-unified status table, with the reason.
var noStatusTables = map[string]string{
	"local": "its objects are in paykit's own statuses",
}

// TestProviderLayout holds every package directly under providers/, and
// the template provider of examples/custom-provider, to the layout the
// package doc's "Writing a provider" section gives: the files a reader
// looks for, plural resource files, the package doc in doc.go alone, a
// string const Name, func Provider returning paykit.Provider (or the
// documented exception), status tables as maps in wire.go, and
// ParseWebhook and MappedEvents in webhooks.go, and a conformance_test.go
// that runs paykittest's three provider suites.
func TestProviderLayout(t *testing.T) {
	dirs, err := os.ReadDir("providers")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range dirs {
		if d.IsDir() {
			n++
			t.Run(d.Name(), func(t *testing.T) { checkProviderLayout(t, filepath.Join("providers", d.Name())) })
		}
	}
	if n == 0 {
		t.Fatal("no provider packages found under providers/")
	}
	t.Run("acmepay", func(t *testing.T) {
		checkProviderLayout(t, filepath.Join("examples", "custom-provider", "acmepay"))
	})
}

func checkProviderLayout(t *testing.T, dir string) {
	name := filepath.Base(dir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".go") {
			files[e.Name()] = true
		}
	}
	for _, want := range []string{"doc.go", name + ".go", "options.go", "errors.go", "wire.go", "webhooks.go"} {
		if !files[want] {
			t.Errorf("%s has no %s", dir, want)
		}
	}
	for _, singular := range []string{"customer", "checkout", "subscription", "payment", "refund", "invoice", "webhook", "order", "provider"} {
		for _, f := range []string{singular + ".go", singular + "_test.go"} {
			if files[f] {
				t.Errorf("%s/%s: resource files are plural (%ss.go)", dir, f, singular)
			}
		}
	}

	if src, err := os.ReadFile(filepath.Join(dir, "conformance_test.go")); err != nil {
		t.Errorf("%s has no conformance_test.go running paykittest's suites", dir)
	} else {
		for _, suite := range []string{"RunConformance", "RunWebhookConformance", "RunSecretConformance"} {
			if !strings.Contains(string(src), "paykittest."+suite+"(") {
				t.Errorf("%s/conformance_test.go does not run paykittest.%s", dir, suite)
			}
		}
	}

	fset := token.NewFileSet()
	parsed := map[string]*ast.File{}
	for f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, filepath.Join(dir, f), nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		parsed[f] = af
		if af.Doc != nil && f != "doc.go" {
			t.Errorf("%s/%s has a package doc comment; it belongs in doc.go alone", dir, f)
		}
	}
	if doc := parsed["doc.go"]; doc != nil {
		if doc.Doc == nil || !strings.HasPrefix(doc.Doc.Text(), "Package "+name+" ") {
			t.Errorf("%s/doc.go does not start with \"Package %s ...\"", dir, name)
		}
		if len(doc.Decls) != 0 {
			t.Errorf("%s/doc.go holds declarations; it is for the package doc", dir)
		}
	}
	if main := parsed[name+".go"]; main != nil {
		if !declaresConst(main, "Name") {
			t.Errorf("%s/%s.go does not declare const Name = \"%s\"", dir, name, name)
		}
		fn := findFunc(main, "", "Provider")
		switch {
		case fn == nil:
			t.Errorf("%s/%s.go does not declare func Provider", dir, name)
		case fn.Type.Results == nil || len(fn.Type.Results.List) != 1:
			t.Errorf("%s/%s.go: Provider must return one value", dir, name)
		default:
			got := exprString(fn.Type.Results.List[0].Type)
			want := "paykit.Provider"
			if rich, ok := richConstructors[name]; ok {
				want = rich
			}
			if got != want {
				t.Errorf("%s/%s.go: Provider returns %s, want %s", dir, name, got, want)
			}
		}
		if findFunc(main, "*", "Capabilities") == nil && findFunc(main, "", "Capabilities") == nil {
			t.Errorf("%s/%s.go does not declare the Capabilities method", dir, name)
		}
	}
	if wire := parsed["wire.go"]; wire != nil {
		if _, exempt := noStatusTables[name]; !exempt && !declaresMapVar(wire) {
			t.Errorf("%s/wire.go declares no status table (a map variable)", dir)
		}
	}
	if wh := parsed["webhooks.go"]; wh != nil {
		if findFunc(wh, "", "MappedEvents") == nil {
			t.Errorf("%s/webhooks.go does not declare func MappedEvents", dir)
		}
		if findFunc(wh, "*", "ParseWebhook") == nil {
			t.Errorf("%s/webhooks.go does not declare the ParseWebhook method", dir)
		}
	}
}

// declaresConst reports whether f declares const name as the string
// literal of the package's directory name.
func declaresConst(f *ast.File, name string) bool {
	for _, decl := range f.Decls {
		g, ok := decl.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if n.Name != name || i >= len(vs.Values) {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				return ok && lit.Kind == token.STRING && lit.Value == `"`+f.Name.Name+`"`
			}
		}
	}
	return false
}

// declaresMapVar reports whether f declares a variable of a map type.
func declaresMapVar(f *ast.File) bool {
	for _, decl := range f.Decls {
		g, ok := decl.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			if _, ok := vs.Type.(*ast.MapType); ok {
				return true
			}
			for _, v := range vs.Values {
				if cl, ok := v.(*ast.CompositeLit); ok {
					if _, ok := cl.Type.(*ast.MapType); ok {
						return true
					}
				}
			}
		}
	}
	return false
}

// findFunc returns the function name of f: a plain function when recv is
// "", a method (of any receiver) when recv is "*".
func findFunc(f *ast.File, recv, name string) *ast.FuncDecl {
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Name.Name != name {
			continue
		}
		if (recv == "") == (fn.Recv == nil) {
			return fn
		}
	}
	return nil
}

func exprString(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.StarExpr:
		return "*" + exprString(x.X)
	case *ast.SelectorExpr:
		return exprString(x.X) + "." + x.Sel.Name
	}
	return "?"
}
