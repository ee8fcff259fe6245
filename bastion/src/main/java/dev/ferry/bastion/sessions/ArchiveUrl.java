package dev.ferry.bastion.sessions;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the Hosts keep their recordings once they close: a bucket (and a prefix in it) of an S3-compatible store, as
 * {@code recordings_url} names it, {@code s3://BUCKET[/PREFIX][?endpoint=URL][&region=NAME][&path_style=false]}
 * (the form Teleport's {@code audit_sessions_uri} uses). Without an endpoint it is Amazon S3; with one, another store
 * (MinIO, Ceph, Garage, S3Proxy), addressed by path ({@code endpoint/bucket/key}) unless {@code path_style=false}.
 * Credentials are never in the URL: they come from the environment, as every AWS tool reads them.
 */
public record ArchiveUrl(String bucket, String prefix, URI endpoint, String region, boolean pathStyle) {
    /** The region when the URL names none: S3-compatible stores take any. */
    static final String DEFAULT_REGION = "us-east-1";

    public static ArchiveUrl parse(String text) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a URL: " + e.getReason());
        }
        if (!"s3".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("is not an s3://BUCKET/PREFIX URL");
        }
        Map<String, String> query = query(uri.getRawQuery());
        String endpointText = query.remove("endpoint");
        String region = query.remove("region");
        String pathStyle = query.remove("path_style");
        if (!query.isEmpty()) {
            throw new IllegalArgumentException("has " + String.join(", ", query.keySet()) + ", which it does not "
                    + "take (endpoint, region and path_style are known)");
        }
        URI endpoint = null;
        if (endpointText != null) {
            endpoint = URI.create(endpointText);
            if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())
                    || endpoint.getHost() == null) {
                throw new IllegalArgumentException("has an endpoint that is not an http(s) URL: " + endpointText);
            }
        }
        if (pathStyle != null && !pathStyle.equals("true") && !pathStyle.equals("false")) {
            throw new IllegalArgumentException("has path_style=" + pathStyle + ": true or false");
        }
        String prefix = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+|/+$", "");
        return new ArchiveUrl(uri.getHost(), prefix, endpoint, region == null ? DEFAULT_REGION : region,
                pathStyle == null ? endpoint != null : Boolean.parseBoolean(pathStyle));
    }

    /** The key of recording {@code name} ({@code 2026/12/07/s12/events.jsonl.gz}) in the bucket. */
    String key(String name) {
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** The URL as {@code recordings_url} takes it, the defaults left out. */
    @Override
    public String toString() {
        List<String> query = new ArrayList<>();
        if (endpoint != null) {
            query.add("endpoint=" + endpoint);
        }
        if (!region.equals(DEFAULT_REGION)) {
            query.add("region=" + region);
        }
        if (pathStyle != (endpoint != null)) {
            query.add("path_style=" + pathStyle);
        }
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix)
                + (query.isEmpty() ? "" : "?" + String.join("&", query));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("has '" + pair + "' in its query: NAME=VALUE pairs");
            }
            query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }
}
