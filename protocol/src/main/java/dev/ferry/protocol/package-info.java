/**
 * The runner protocol (v1), defined once for the Host and the runners: runners register
 * ({@code POST /api/v1/runners/register}, {@link dev.ferry.protocol.RegisterRequest} answered by
 * {@link dev.ferry.protocol.RegisterAnswer}), then heartbeat every few seconds
 * ({@code POST /api/v1/runners/{name}/heartbeat}, {@link dev.ferry.protocol.HeartbeatRequest} answered by
 * {@link dev.ferry.protocol.HeartbeatAnswer}) with what their Docker engine shows, and learn from each answer
 * what the Host wants. Pull, not push: lost messages and agent restarts converge instead of leaving a VPS stuck.
 *
 * <p>On the wire, field names are the record components in snake_case ({@code vpsId} is {@code vps_id}):
 * each side's {@code ObjectMapper} sets that naming. States travel as lower-case words; a word one side does
 * not know reads as the enum's {@code UNKNOWN}, so that a newer peer never makes a whole message unreadable.
 * This package holds values only: no I/O, no storage, no Docker.
 */
package dev.ferry.protocol;
