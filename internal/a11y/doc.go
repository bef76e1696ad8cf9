// Package a11y holds no code: its tests judge the site's accessibility.
// TestAccessibility builds the fanclub command, seeds and serves the demo
// club, and has axe-core, the Nu HTML checker and a tap-target measure
// look at every main page in Korean and English at a phone's size; see
// docs/accessibility.md. It is a package of its own so that its few
// minutes run beside the other packages' tests, on their own time limit.
package a11y
