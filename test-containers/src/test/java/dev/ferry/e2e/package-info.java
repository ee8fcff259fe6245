/**
 * End-to-end tests against a real Docker engine and the VPS test images; they arrive with the runners
 * issue, together with the image build script.
 */
package dev.ferry.e2e;
