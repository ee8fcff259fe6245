/**
 * The control API's wire (v1), defined once for the Host's API and the CLI's client, as {@code dev.ferry.protocol}
 * is for the Host and its runners: the request bodies the API reads ({@link dev.ferry.api.CreateVpsRequest} and
 * the other {@code ...Request} records), the views it answers with ({@link dev.ferry.api.VpsView},
 * {@link dev.ferry.api.KeyView}, {@link dev.ferry.api.NodeView}, {@link dev.ferry.api.TokenView}), and the one
 * {@link dev.ferry.api.Json} mapping both sides read and write them with.
 *
 * <p>On the wire, field names are the record components in snake_case ({@code sshPort} is {@code ssh_port}), in
 * the order the components are declared. The Host builds the views from its own types; this package holds values
 * only: no I/O, no storage, nothing of the Host.
 */
package dev.ferry.api;
