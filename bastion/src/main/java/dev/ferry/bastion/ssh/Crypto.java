package dev.ferry.bastion.ssh;

import java.util.List;
import java.util.stream.Stream;
import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.compression.BuiltinCompressions;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.mac.Mac;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;

/**
 * The bastion's algorithms: post-quantum hybrid and curve25519 key exchange, AES-GCM and AES-CTR with
 * encrypt-then-MAC, ed25519 host key first. No chacha20-poly1305 (MINA's is pure Java and about ten
 * times slower than AES-GCM on SunJCE), no SHA-1, no CBC, no compression (the inner SSH of a jump is
 * encrypted already). Strict KEX (Terrapin) is always on in MINA 2.20.
 */
public final class Crypto {
    static final List<BuiltinDHFactories> KEX = List.of(
            BuiltinDHFactories.mlkem768x25519,
            BuiltinDHFactories.sntrup761x25519_openssh,
            BuiltinDHFactories.sntrup761x25519,
            BuiltinDHFactories.curve25519,
            BuiltinDHFactories.curve25519_libssh);

    static final List<NamedFactory<Cipher>> CIPHERS = List.of(
            BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm,
            BuiltinCiphers.aes128ctr, BuiltinCiphers.aes192ctr, BuiltinCiphers.aes256ctr);

    static final List<NamedFactory<Mac>> MACS = List.of(BuiltinMacs.hmacsha256etm, BuiltinMacs.hmacsha512etm);

    /** The user keys the bastion verifies without a client CA: no certificates. */
    static final List<NamedFactory<Signature>> USER_KEY_SIGNATURES = List.of(
            BuiltinSignatures.ed25519, BuiltinSignatures.rsaSHA512, BuiltinSignatures.rsaSHA256,
            BuiltinSignatures.nistp256, BuiltinSignatures.nistp384, BuiltinSignatures.nistp521,
            BuiltinSignatures.sk_ssh_ed25519, BuiltinSignatures.sk_ecdsa_sha2_nistp256);

    /** With a client CA (SSO): also the ed25519 certificates it signs for people's keys. */
    static final List<NamedFactory<Signature>> USER_KEY_AND_CERTIFICATE_SIGNATURES = Stream.concat(
            Stream.of(BuiltinSignatures.ed25519_cert), USER_KEY_SIGNATURES.stream()).toList();

    /**
     * The session's list: the host certificates' algorithms, offered only for host keys that have a certificate,
     * then the user key algorithms (which include the plain host key algorithms).
     */
    static final List<NamedFactory<Signature>> SIGNATURES = Stream.concat(Stream.of(
                    BuiltinSignatures.ed25519_cert, BuiltinSignatures.rsaSHA512_cert, BuiltinSignatures.rsaSHA256_cert),
            USER_KEY_SIGNATURES.stream()).toList();

    private Crypto() {
    }

    /**
     * The bastion's own client to a VPS's sshd (plain mode) also verifies host keys of every usual type and
     * signs with an ed25519 certificate.
     */
    static final List<NamedFactory<Signature>> CLIENT_SIGNATURES = List.of(
            BuiltinSignatures.ed25519, BuiltinSignatures.ed25519_cert, BuiltinSignatures.nistp256,
            BuiltinSignatures.nistp384, BuiltinSignatures.nistp521, BuiltinSignatures.rsaSHA512,
            BuiltinSignatures.rsaSHA256);

    static void apply(SshServer server) {
        requireKex();
        server.setKeyExchangeFactories(NamedFactory.setUpTransformedFactories(false, KEX, ServerBuilder.DH2KEX));
        server.setCipherFactories(CIPHERS);
        server.setMacFactories(MACS);
        server.setSignatureFactories(SIGNATURES);
        server.setCompressionFactories(List.of(BuiltinCompressions.none));
    }

    /** The same choices for the bastion's client side (plain mode's connection to a VPS's sshd). */
    public static void apply(SshClient client) {
        requireKex();
        client.setKeyExchangeFactories(NamedFactory.setUpTransformedFactories(false, KEX, ClientBuilder.DH2KEX));
        client.setCipherFactories(CIPHERS);
        client.setMacFactories(MACS);
        client.setSignatureFactories(CLIENT_SIGNATURES);
        client.setCompressionFactories(List.of(BuiltinCompressions.none));
    }

    private static void requireKex() {
        for (BuiltinDHFactories k : KEX) {
            if (!k.isSupported()) {
                throw new IllegalStateException("key exchange " + k.getName() + " is not available: "
                        + "Bouncy Castle (bcprov) must be on the class path");
            }
        }
    }
}
