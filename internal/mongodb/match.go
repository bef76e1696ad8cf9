package mongodb

import (
	"bytes"
	"strconv"
	"strings"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/bsontype"
	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
)

// This file evaluates, in Go, the part of MongoDB's query language that
// fanclub's conditions use, so that on the embedded store a filter of an
// _id and conditions can be a lookup by _id plus a check here
// (collection.go). It follows MongoDB's rules for what it accepts —
// equality and $eq $ne $gt $gte $lt $lte $in $nin $exists on dotted
// paths, through arrays, combined with $and $or $nor — and refuses
// anything else (supported reports false), which then goes to the server.
// TestMatchAgreesWithTheServer holds it to the embedded server's answers.

// filter is a filter split for lookups: the ids it names and the rest.
type filter struct {
	ids  []any    // the _id, or the ids of an _id $in; nil if it names neither
	cond bson.Raw // the other conditions, as a document (maybe empty)
}

// parseFilter splits f. ok is false when f names the _id some other way,
// or has a condition this file cannot evaluate.
func parseFilter(f any) (filter, bool) {
	if f == nil {
		return filter{}, false
	}
	raw, err := bson.Marshal(f)
	if err != nil {
		return filter{}, false
	}
	elems, err := bson.Raw(raw).Elements()
	if err != nil {
		return filter{}, false
	}
	var out filter
	idx, cond := bsoncore.AppendDocumentStart(nil)
	for _, e := range elems {
		if e.Key() != "_id" {
			cond = append(cond, e...)
			continue
		}
		var ok bool
		if out.ids, ok = idsOf(e.Value()); !ok {
			return filter{}, false
		}
	}
	cond, _ = bsoncore.AppendDocumentEnd(cond, idx)
	out.cond = bson.Raw(cond)
	if !supported(out.cond) {
		return filter{}, false
	}
	return out, true
}

// idsOf reads an _id condition that lookups can serve: one id, or an $in
// of ids, each a string or an ObjectID (the forms FerretDB looks up by
// its index).
func idsOf(v bson.RawValue) ([]any, bool) {
	if id, ok := plainID(v); ok {
		return []any{id}, true
	}
	d, ok := v.DocumentOK()
	if !ok {
		return nil, false
	}
	elems, err := d.Elements()
	if err != nil || len(elems) != 1 || elems[0].Key() != "$in" {
		return nil, false
	}
	list, ok := elems[0].Value().ArrayOK()
	if !ok {
		return nil, false
	}
	vals, err := list.Values()
	if err != nil {
		return nil, false
	}
	ids := make([]any, 0, len(vals))
	seen := map[string]bool{}
	for _, v := range vals {
		id, ok := plainID(v)
		if !ok {
			return nil, false
		}
		if k := string(v.Type) + string(v.Value); !seen[k] { // an id listed twice is one document
			seen[k] = true
			ids = append(ids, id)
		}
	}
	return ids, true
}

func plainID(v bson.RawValue) (any, bool) {
	switch v.Type {
	case bsontype.String:
		return v.StringValue(), true
	case bsontype.ObjectID:
		return v.ObjectID(), true
	}
	return nil, false
}

// conditional reports whether the filter has conditions beside the ids.
func (f filter) conditional() bool {
	elems, _ := f.cond.Elements()
	return len(elems) > 0
}

// exact reports whether the filter is one _id and nothing else: what the
// embedded server looks up by its index.
func (f filter) exact() bool { return len(f.ids) == 1 && !f.conditional() }

// matches reports whether doc satisfies the filter's conditions.
func (f filter) matches(doc bson.Raw) bool { return matchDoc(doc, f.cond) }

// operators are the comparison operators evaluated here.
var operators = map[string]bool{"$eq": true, "$ne": true, "$gt": true, "$gte": true, "$lt": true, "$lte": true,
	"$in": true, "$nin": true, "$exists": true}

// supported reports whether every condition of cond can be evaluated
// here.
func supported(cond bson.Raw) bool {
	elems, err := cond.Elements()
	if err != nil {
		return false
	}
	for _, e := range elems {
		key, v := e.Key(), e.Value()
		switch {
		case key == "$and" || key == "$or" || key == "$nor":
			list, ok := v.ArrayOK()
			if !ok {
				return false
			}
			vals, err := list.Values()
			if err != nil || len(vals) == 0 {
				return false
			}
			for _, sub := range vals {
				d, ok := sub.DocumentOK()
				if !ok || !supported(d) {
					return false
				}
			}
		case strings.HasPrefix(key, "$"):
			return false
		case isOperatorDoc(v):
			ops, _ := v.Document().Elements()
			for _, op := range ops {
				if !operators[op.Key()] || !plainOperand(op.Key(), op.Value()) {
					return false
				}
			}
		case !plainValue(v):
			return false
		}
	}
	return true
}

// plainOperand reports whether an operator's operand is one this file
// compares as MongoDB does.
func plainOperand(op string, v bson.RawValue) bool {
	switch op {
	case "$exists":
		return true
	case "$in", "$nin":
		list, ok := v.ArrayOK()
		if !ok {
			return false
		}
		vals, err := list.Values()
		if err != nil {
			return false
		}
		for _, x := range vals {
			if !plainValue(x) {
				return false
			}
		}
		return true
	case "$gt", "$gte", "$lt", "$lte":
		return plainValue(v) && v.Type != bsontype.Null && v.Type != bsontype.Array && v.Type != bsontype.EmbeddedDocument
	}
	return plainValue(v)
}

// plainValue reports whether v is a value compared here: not a regular
// expression (which matches, not equals), a decimal or a special key.
func plainValue(v bson.RawValue) bool {
	switch v.Type {
	case bsontype.Regex, bsontype.Decimal128, bsontype.MinKey, bsontype.MaxKey, bsontype.JavaScript,
		bsontype.CodeWithScope, bsontype.DBPointer, bsontype.Undefined, bsontype.Symbol, bsontype.Timestamp:
		return false
	case bsontype.EmbeddedDocument:
		return !isOperatorDoc(v)
	}
	return true
}

// isOperatorDoc reports whether v is a document of operators, {$op: x},
// rather than a document to compare with.
func isOperatorDoc(v bson.RawValue) bool {
	d, ok := v.DocumentOK()
	if !ok {
		return false
	}
	first, err := d.IndexErr(0)
	return err == nil && strings.HasPrefix(first.Key(), "$")
}

// matchDoc evaluates a supported condition document against doc.
func matchDoc(doc, cond bson.Raw) bool {
	elems, _ := cond.Elements()
	for _, e := range elems {
		key, v := e.Key(), e.Value()
		switch key {
		case "$and", "$or", "$nor":
			vals, _ := v.Array().Values()
			any := false
			all := true
			for _, sub := range vals {
				m := matchDoc(doc, sub.Document())
				any, all = any || m, all && m
			}
			if (key == "$and" && !all) || (key == "$or" && !any) || (key == "$nor" && any) {
				return false
			}
			continue
		}
		vals := resolve(bson.RawValue{Type: bsontype.EmbeddedDocument, Value: doc}, strings.Split(key, "."))
		if !isOperatorDoc(v) {
			if !equalsAny(vals, v) {
				return false
			}
			continue
		}
		ops, _ := v.Document().Elements()
		for _, op := range ops {
			if !matchOp(vals, op.Key(), op.Value()) {
				return false
			}
		}
	}
	return true
}

// matchOp applies one operator to the values a path resolved to.
func matchOp(vals []bson.RawValue, op string, x bson.RawValue) bool {
	switch op {
	case "$eq":
		return equalsAny(vals, x)
	case "$ne":
		return !equalsAny(vals, x)
	case "$in", "$nin":
		list, _ := x.Array().Values()
		in := false
		for _, y := range list {
			in = in || equalsAny(vals, y)
		}
		return in == (op == "$in")
	case "$exists":
		return (len(vals) > 0) == truthy(x)
	}
	for _, v := range candidates(vals) {
		c, ok := compare(v, x)
		if !ok {
			continue
		}
		if (op == "$gt" && c > 0) || (op == "$gte" && c >= 0) || (op == "$lt" && c < 0) || (op == "$lte" && c <= 0) {
			return true
		}
	}
	return false
}

// resolve returns the values at a dotted path in v, looking through
// arrays as MongoDB does: into each document element, or at an index.
func resolve(v bson.RawValue, path []string) []bson.RawValue {
	if len(path) == 0 {
		return []bson.RawValue{v}
	}
	switch v.Type {
	case bsontype.EmbeddedDocument:
		sub, err := v.Document().LookupErr(path[0])
		if err != nil {
			return nil
		}
		return resolve(sub, path[1:])
	case bsontype.Array:
		elems, _ := v.Array().Values()
		var out []bson.RawValue
		if i, err := strconv.Atoi(path[0]); err == nil && i >= 0 && i < len(elems) {
			out = append(out, resolve(elems[i], path[1:])...)
		}
		for _, e := range elems {
			if e.Type == bsontype.EmbeddedDocument {
				out = append(out, resolve(e, path)...)
			}
		}
		return out
	}
	return nil
}

// candidates are the values a comparison looks at: each value, and the
// elements of each array.
func candidates(vals []bson.RawValue) []bson.RawValue {
	var out []bson.RawValue
	for _, v := range vals {
		out = append(out, v)
		if v.Type == bsontype.Array {
			elems, _ := v.Array().Values()
			out = append(out, elems...)
		}
	}
	return out
}

// equalsAny is MongoDB's equality: a missing field equals null, and an
// array equals x if it is x or holds it.
func equalsAny(vals []bson.RawValue, x bson.RawValue) bool {
	if x.Type == bsontype.Null && len(vals) == 0 {
		return true
	}
	for _, v := range candidates(vals) {
		if equal(v, x) {
			return true
		}
	}
	return false
}

func equal(a, b bson.RawValue) bool {
	switch {
	case class(a) != class(b):
		return false
	case a.Type == bsontype.EmbeddedDocument:
		return equalElements(a.Document(), b.Document(), true)
	case a.Type == bsontype.Array:
		return equalElements(a.Array(), b.Array(), false)
	case a.Type == bsontype.Binary:
		return a.Type == b.Type && bytes.Equal(a.Value, b.Value)
	}
	c, ok := compare(a, b)
	return ok && c == 0
}

// equalElements compares two documents (or arrays, whose keys are only
// their indexes) as MongoDB does: the same keys in the same order, with
// values equal as equal says (so 1 and 1.0 are).
func equalElements(x, y bson.Raw, keys bool) bool {
	xe, err1 := x.Elements()
	ye, err2 := y.Elements()
	if err1 != nil || err2 != nil || len(xe) != len(ye) {
		return false
	}
	for i := range xe {
		if keys && xe[i].Key() != ye[i].Key() || !equal(xe[i].Value(), ye[i].Value()) {
			return false
		}
	}
	return true
}

// truthy is how $exists reads its operand.
func truthy(v bson.RawValue) bool {
	switch v.Type {
	case bsontype.Boolean:
		return v.Boolean()
	case bsontype.Null, bsontype.Undefined:
		return false
	case bsontype.Int32, bsontype.Int64, bsontype.Double:
		f, _ := number(v)
		return f != 0
	}
	return true
}

// class is a value's place in MongoDB's order of types; values of
// different classes are never equal, and compare only when sorting.
func class(v bson.RawValue) int {
	switch v.Type {
	case bsontype.MinKey: // sortValue's stand-in for an empty array
		return 0
	case bsontype.Null, bsontype.Undefined:
		return 1
	case bsontype.Int32, bsontype.Int64, bsontype.Double, bsontype.Decimal128:
		return 2
	case bsontype.String, bsontype.Symbol:
		return 3
	case bsontype.EmbeddedDocument:
		return 4
	case bsontype.Array:
		return 5
	case bsontype.Binary:
		return 6
	case bsontype.ObjectID:
		return 7
	case bsontype.Boolean:
		return 8
	case bsontype.DateTime:
		return 9
	case bsontype.Timestamp:
		return 10
	case bsontype.Regex:
		return 11
	}
	return 12
}

// compare orders two values of one class; ok is false for values of
// different classes or ones this file does not order.
func compare(a, b bson.RawValue) (int, bool) {
	if class(a) != class(b) {
		return 0, false
	}
	switch a.Type {
	case bsontype.Null, bsontype.Undefined:
		return 0, true
	case bsontype.Int32, bsontype.Int64, bsontype.Double:
		if ai, ok := a.AsInt64OK(); ok && a.Type != bsontype.Double {
			if bi, ok := b.AsInt64OK(); ok && b.Type != bsontype.Double {
				return cmpOrdered(ai, bi), true
			}
		}
		x, ok1 := number(a)
		y, ok2 := number(b)
		return cmpOrdered(x, y), ok1 && ok2
	case bsontype.String:
		return strings.Compare(a.StringValue(), b.StringValue()), true
	case bsontype.ObjectID:
		ao, bo := a.ObjectID(), b.ObjectID()
		return bytes.Compare(ao[:], bo[:]), true
	case bsontype.Boolean:
		return cmpOrdered(boolInt(a.Boolean()), boolInt(b.Boolean())), true
	case bsontype.DateTime:
		return cmpOrdered(a.DateTime(), b.DateTime()), true
	}
	return 0, false
}

func number(v bson.RawValue) (float64, bool) {
	switch v.Type {
	case bsontype.Double:
		return v.Double(), true
	case bsontype.Int32:
		return float64(v.Int32()), true
	case bsontype.Int64:
		return float64(v.Int64()), true
	}
	return 0, false
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func cmpOrdered[T int | int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// hasPositional reports whether an update's field path goes through the
// positional operator ($, $[] or $[name]).
func hasPositional(path string) bool {
	for _, part := range strings.Split(path, ".") {
		if part == "$" || strings.HasPrefix(part, "$[") {
			return true
		}
	}
	return false
}

// sortKeys reads a sort specification of fields and directions; ok is
// false for anything else (a text score, say).
func sortKeys(s any) (bson.D, bool) {
	if s == nil {
		return nil, true
	}
	raw, err := bson.Marshal(s)
	if err != nil {
		return nil, false
	}
	elems, err := bson.Raw(raw).Elements()
	if err != nil {
		return nil, false
	}
	var out bson.D
	for _, e := range elems {
		dir, ok := number(e.Value())
		if !ok || (dir != 1 && dir != -1) {
			return nil, false
		}
		out = append(out, bson.E{Key: e.Key(), Value: int(dir)})
	}
	return out, true
}

// lessBySort orders two documents by sort keys as MongoDB does: a
// missing field sorts as null, and a field with several values (an array,
// or a path through one) by its least value ascending, its greatest
// descending.
func lessBySort(a, b bson.Raw, keys bson.D) bool {
	for _, k := range keys {
		asc := k.Value.(int) > 0
		c := order(sortValue(a, k.Key, asc), sortValue(b, k.Key, asc))
		if c != 0 {
			return (c < 0) == asc
		}
	}
	return false
}

// order is MongoDB's order of any two values: by class, then within it.
func order(x, y bson.RawValue) int {
	if c := cmpOrdered(class(x), class(y)); c != 0 {
		return c
	}
	c, _ := compare(x, y)
	return c
}

func sortValue(doc bson.Raw, path string, asc bool) bson.RawValue {
	vals := candidates(resolve(bson.RawValue{Type: bsontype.EmbeddedDocument, Value: doc}, strings.Split(path, ".")))
	best, found, arrays := bson.RawValue{Type: bsontype.Null}, false, false
	for _, v := range vals {
		if v.Type == bsontype.Array {
			arrays = true
			continue // its elements are among the candidates
		}
		if c := order(v, best); !found || (asc && c < 0) || (!asc && c > 0) {
			best, found = v, true
		}
	}
	if !found && arrays { // only empty arrays: they sort before null
		return bson.RawValue{Type: bsontype.MinKey}
	}
	return best
}
