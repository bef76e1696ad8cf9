package mongodb

import (
	"context"
	"log/slog"
	"strings"
)

// quietHandler passes on only the embedded server's warnings and errors:
// FerretDB logs every connection at info level. It also drops the dumps of
// the wire protocol it writes of every command answered with an error (a
// collection not created yet, the driver's endSessions it does not know),
// at warning level, or at error level when it closes the connection: the
// error reaches the caller, which decides what it means and logs it in
// words.
type quietHandler struct{ slog.Handler }

func (h quietHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}

func (h quietHandler) Handle(ctx context.Context, r slog.Record) error {
	if strings.HasPrefix(r.Message, "Response ") {
		return nil
	}
	return h.Handler.Handle(ctx, r)
}

func (h quietHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return quietHandler{h.Handler.WithAttrs(as)}
}

func (h quietHandler) WithGroup(name string) slog.Handler {
	return quietHandler{h.Handler.WithGroup(name)}
}
