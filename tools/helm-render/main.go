// helm-render renders a Helm chart the way `helm template` does, for CI only.
//
// No helm binary can be installed where this project is built, so CI renders
// helm/bsp-control-plane with this program instead: Go's text/template with the
// Sprig functions (the same engine helm uses) plus the helm built-ins the chart
// uses — include, tpl, toYaml, fromYaml, toJson, required, fail, lookup (always
// empty, as in `helm template`), .Release, .Chart, .Values (-f and --set
// merged), .Capabilities and .Template. Hooks stay in the output as their
// annotations; NOTES.txt and partials (_*.tpl) are not emitted. Subcharts,
// .Files, schema validation and --set lists are not supported.
//
// It is not helm: operators install the chart with the real helm.
//
// Usage:
//
//	helm-render [--name N] [--namespace NS] [--kube-version v1.32.0] \
//	  [--api-versions g/v]... [-f values.yaml]... [--set a.b=c]... [--set-string a.b=c]... CHART_DIR
package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"gopkg.in/yaml.v3"
)

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

// APIVersions mirrors helm's chartutil.VersionSet.
type APIVersions []string

// Has reports whether a group/version (or group/version/Kind) is available.
func (v APIVersions) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

// KubeVersion mirrors helm's chartutil.KubeVersion.
type KubeVersion struct {
	Version, Major, Minor string
}

func (k KubeVersion) String() string     { return k.Version }
func (k KubeVersion) GitVersion() string { return k.Version }

// Capabilities mirrors helm's chartutil.Capabilities.
type Capabilities struct {
	KubeVersion KubeVersion
	APIVersions APIVersions
}

// Default API versions: what a Kubernetes 1.32 cluster serves for the kinds the chart uses.
var defaultAPIVersions = []string{
	"v1", "apps/v1", "batch/v1", "policy/v1", "autoscaling/v2", "networking.k8s.io/v1",
	"rbac.authorization.k8s.io/v1", "coordination.k8s.io/v1",
}

// installOrder is helm's kind order (releaseutil.InstallOrder), shortened to common kinds.
var installOrder = []string{
	"Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy", "PodDisruptionBudget",
	"ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass", "PersistentVolume",
	"PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList",
	"ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList",
	"Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
	"HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	var files, sets, setStrings, apiVersions multi
	name, namespace, kubeVersion, chartDir := "release-name", "default", "v1.32.0", ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		next := func() (string, error) {
			if i+1 >= len(args) {
				return "", fmt.Errorf("%s needs a value", a)
			}
			i++
			return args[i], nil
		}
		var err error
		var v string
		switch a {
		case "-f", "--values", "--set", "--set-string", "--name", "--namespace", "-n", "--kube-version", "--api-versions", "-a":
			if v, err = next(); err != nil {
				return err
			}
		}
		switch a {
		case "-f", "--values":
			files = append(files, v)
		case "--set":
			sets = append(sets, v)
		case "--set-string":
			setStrings = append(setStrings, v)
		case "--name":
			name = v
		case "--namespace", "-n":
			namespace = v
		case "--kube-version":
			kubeVersion = v
		case "--api-versions", "-a":
			apiVersions = append(apiVersions, v)
		default:
			if strings.HasPrefix(a, "-") || chartDir != "" {
				return fmt.Errorf("unexpected argument %q", a)
			}
			chartDir = a
		}
	}
	if chartDir == "" {
		return fmt.Errorf("usage: helm-render [flags] CHART_DIR")
	}

	chart, err := readYAMLMap(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		return err
	}
	values, err := readYAMLMap(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		return err
	}
	for _, f := range files {
		override, err := readYAMLMap(f)
		if err != nil {
			return err
		}
		values = mergeMaps(values, override)
	}
	// helm reads value files through JSON, so every number in them is a float64
	// (2592000 prints as 2.592e+06); do the same so templates meet what helm gives them.
	values = floatNumbers(values).(map[string]interface{})
	for _, s := range sets {
		if err := setValue(values, s, false); err != nil {
			return err
		}
	}
	for _, s := range setStrings {
		if err := setValue(values, s, true); err != nil {
			return err
		}
	}

	chartName := fmt.Sprint(chart["name"])
	kv := strings.SplitN(strings.TrimPrefix(kubeVersion, "v"), ".", 3)
	if len(kv) < 2 {
		return fmt.Errorf("--kube-version %q: want vMAJOR.MINOR[.PATCH]", kubeVersion)
	}
	top := map[string]interface{}{
		"Values": values,
		"Release": map[string]interface{}{
			"Name": name, "Namespace": namespace, "IsInstall": true, "IsUpgrade": false,
			"Revision": 1, "Service": "Helm",
		},
		"Chart": map[string]interface{}{
			"Name": chart["name"], "Version": chart["version"], "AppVersion": chart["appVersion"],
			"Description": chart["description"], "Type": chart["type"], "KubeVersion": chart["kubeVersion"],
			"Home": chart["home"], "Keywords": chart["keywords"], "Annotations": chart["annotations"],
		},
		"Capabilities": Capabilities{
			KubeVersion: KubeVersion{Version: "v" + strings.Join(kv, "."), Major: kv[0], Minor: kv[1]},
			APIVersions: append(APIVersions(defaultAPIVersions), apiVersions...),
		},
	}

	// Every template of the chart is parsed into one set, so include finds the partials.
	tdir := filepath.Join(chartDir, "templates")
	var names []string
	err = filepath.Walk(tdir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(chartDir, path)
		names = append(names, rel)
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(names)

	root := template.New("chart").Option("missingkey=zero")
	funcs := sprig.TxtFuncMap()
	delete(funcs, "env")
	delete(funcs, "expandenv")
	funcs["toYaml"] = toYAML
	funcs["fromYaml"] = fromYAML
	funcs["required"] = required
	funcs["lookup"] = func(string, string, string, string) (map[string]interface{}, error) {
		return map[string]interface{}{}, nil
	}
	includeDepth := map[string]int{}
	funcs["include"] = func(n string, data interface{}) (string, error) {
		if includeDepth[n] > 100 {
			return "", fmt.Errorf("rendering template has a nested reference name: %s", n)
		}
		includeDepth[n]++
		defer func() { includeDepth[n]-- }()
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, n, data); err != nil {
			return "", err
		}
		return buf.String(), nil
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err = t.New("tpl").Parse(text)
		if err != nil {
			return "", fmt.Errorf("tpl: %w", err)
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, data); err != nil {
			return "", fmt.Errorf("tpl: %w", err)
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
	root.Funcs(funcs)
	for _, n := range names {
		src, err := os.ReadFile(filepath.Join(chartDir, n))
		if err != nil {
			return err
		}
		if _, err := root.New(chartName + "/" + filepath.ToSlash(n)).Parse(string(src)); err != nil {
			return err
		}
	}

	type doc struct {
		source, body, kind string
		index              int
	}
	var docs []doc
	for _, n := range names {
		base := filepath.Base(n)
		if strings.HasPrefix(base, "_") || base == "NOTES.txt" {
			continue
		}
		full := chartName + "/" + filepath.ToSlash(n)
		data := copyMap(top)
		data["Template"] = map[string]interface{}{"Name": full, "BasePath": chartName + "/templates"}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, full, data); err != nil {
			return err
		}
		out := strings.ReplaceAll(buf.String(), "<no value>", "")
		for i, part := range splitDocs(out) {
			if strings.TrimSpace(part) == "" {
				continue
			}
			var head struct {
				Kind string `yaml:"kind"`
			}
			if err := yaml.Unmarshal([]byte(part), &head); err != nil {
				return fmt.Errorf("%s: YAML parse error: %w\n%s", full, err, part)
			}
			docs = append(docs, doc{source: full, body: strings.TrimSpace(part), kind: head.Kind, index: i})
		}
	}
	rank := func(kind string) int {
		for i, k := range installOrder {
			if k == kind {
				return i
			}
		}
		return len(installOrder)
	}
	sort.SliceStable(docs, func(a, b int) bool { return rank(docs[a].kind) < rank(docs[b].kind) })
	for _, d := range docs {
		fmt.Printf("---\n# Source: %s\n%s\n", d.source, d.body)
	}
	return nil
}

func splitDocs(s string) []string {
	var parts []string
	var cur []string
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimRight(line, " ") == "---" {
			parts = append(parts, strings.Join(cur, "\n"))
			cur = nil
			continue
		}
		cur = append(cur, line)
	}
	return append(parts, strings.Join(cur, "\n"))
}

func readYAMLMap(path string) (map[string]interface{}, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m := map[string]interface{}{}
	if err := yaml.Unmarshal(src, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if m == nil {
		m = map[string]interface{}{}
	}
	return m, nil
}

func floatNumbers(v interface{}) interface{} {
	switch x := v.(type) {
	case map[string]interface{}:
		for k, e := range x {
			x[k] = floatNumbers(e)
		}
	case []interface{}:
		for i, e := range x {
			x[i] = floatNumbers(e)
		}
	case int:
		return float64(x)
	}
	return v
}

func copyMap(m map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// mergeMaps deep-merges b over a like helm's value files: maps merge, anything else replaces,
// and null deletes the key.
func mergeMaps(a, b map[string]interface{}) map[string]interface{} {
	out := copyMap(a)
	for k, v := range b {
		if v == nil {
			delete(out, k)
			continue
		}
		if bm, ok := v.(map[string]interface{}); ok {
			if am, ok := out[k].(map[string]interface{}); ok {
				out[k] = mergeMaps(am, bm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// setValue applies one --set a.b.c=value (dots in a key escaped as \.). Values are typed like
// helm's: true/false, null, integers; anything else (or everything with --set-string) is a string.
func setValue(values map[string]interface{}, expr string, asString bool) error {
	eq := strings.Index(expr, "=")
	if eq < 1 {
		return fmt.Errorf("--set %q: want key=value", expr)
	}
	var path []string
	var cur strings.Builder
	key := expr[:eq]
	for i := 0; i < len(key); i++ {
		switch {
		case key[i] == '\\' && i+1 < len(key) && key[i+1] == '.':
			cur.WriteByte('.')
			i++
		case key[i] == '.':
			path = append(path, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(key[i])
		}
	}
	path = append(path, cur.String())
	raw := expr[eq+1:]
	var val interface{} = raw
	if !asString {
		switch raw {
		case "true":
			val = true
		case "false":
			val = false
		case "null":
			val = nil
		default:
			if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
				val = n // helm's strvals gives --set integers as int64
			}
		}
	}
	m := values
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]interface{})
		if !ok {
			next = map[string]interface{}{}
			m[p] = next
		}
		m = next
	}
	if val == nil {
		delete(m, path[len(path)-1])
	} else {
		m[path[len(path)-1]] = val
	}
	return nil
}

// toYAML is helm's toYaml: YAML without a trailing newline, "" on error.
func toYAML(v interface{}) string {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func fromYAML(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

// required is helm's: fails the render with msg when the value is missing or an empty string.
func required(msg string, v interface{}) (interface{}, error) {
	if v == nil {
		return nil, errors.New(msg)
	}
	if s, ok := v.(string); ok && s == "" {
		return nil, errors.New(msg)
	}
	return v, nil
}
