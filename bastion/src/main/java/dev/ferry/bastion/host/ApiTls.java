package dev.ferry.bastion.host;

import dev.ferry.keys.tls.TlsPin;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * The control API's TLS identity: an ECDSA P-256 key and a self-signed certificate for it, made once in
 * {@code tls/} of the data directory (both 0600) and kept. Clients pin the key ({@link TlsPin}), so the
 * certificate's names and dates carry no trust; it is long-lived so that nothing has to renew it.
 */
public final class ApiTls {
    public static final String KEY = "tls/api_key.pem";
    public static final String CERTIFICATE = "tls/api_cert.pem";
    private static final Duration VALIDITY = Duration.ofDays(100 * 365);
    private static final char[] NO_PASSWORD = new char[0];

    private final PrivateKey key;
    private final X509Certificate certificate;

    private ApiTls(PrivateKey key, X509Certificate certificate) {
        this.key = key;
        this.certificate = certificate;
    }

    /** The identity kept in {@code root}, made on first use. */
    static ApiTls in(Path root) throws IOException {
        Path keyFile = root.resolve(KEY);
        Path certFile = root.resolve(CERTIFICATE);
        if (!Files.exists(keyFile) && !Files.exists(certFile)) {
            make(keyFile, certFile);
        }
        DataDir.requireOwnerOnly(keyFile, "the API's TLS key");
        try {
            return new ApiTls(readKey(keyFile), readCertificate(certFile));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IOException("cannot read the API's TLS key and certificate (" + keyFile + ", " + certFile
                    + "): " + e.getMessage() + "; delete both to have the host make new ones (clients must then "
                    + "pin the new fingerprint)", e);
        }
    }

    /**
     * The pin of the identity kept in {@code root}, for a client on the Host's machine; null when there is none
     * or this user cannot read it (the certificate alone: the key stays unread).
     */
    public static TlsPin readPin(Path root) {
        try {
            return TlsPin.of(readCertificate(root.resolve(CERTIFICATE)).getPublicKey());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    /** The pin clients give as {@code --host-fingerprint}. */
    public TlsPin pin() {
        return TlsPin.of(certificate.getPublicKey());
    }

    /** The server side of TLS with this identity. */
    public SSLContext serverContext() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("api", key, NO_PASSWORD, new Certificate[] {certificate});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, NO_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot serve TLS with an ECDSA P-256 key: " + e.getMessage(), e);
        }
    }

    /**
     * Replaces the identity kept in {@code root} with a new one (a rotation): each file is written whole before it
     * takes the old one's place.
     */
    static ApiTls renew(Path root) throws IOException {
        Path keyFile = root.resolve(KEY);
        Path certFile = root.resolve(CERTIFICATE);
        Path newKey = keyFile.resolveSibling(keyFile.getFileName() + ".new");
        Path newCert = certFile.resolveSibling(certFile.getFileName() + ".new");
        Files.deleteIfExists(newKey);
        Files.deleteIfExists(newCert);
        make(newKey, newCert);
        Files.move(newKey, keyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(newCert, certFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return in(root);
    }

    private static void make(Path keyFile, Path certFile) throws IOException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = g.generateKeyPair();
            X500Name name = new X500Name("CN=ferry-host");
            Instant now = Instant.now();
            X509CertificateHolder holder = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(VALIDITY)), name, pair.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
            Files.createDirectories(keyFile.getParent(), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            writeOwnerOnly(keyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
            writeOwnerOnly(certFile, pem(new JcaX509CertificateConverter().getCertificate(holder)));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make the API's TLS key: " + e.getMessage(), e);
        }
    }

    private static String pem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }

    private static void writeOwnerOnly(Path file, String text) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text, StandardCharsets.US_ASCII);
    }

    private static PrivateKey readKey(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            if (!(o instanceof PrivateKeyInfo info)) {
                throw new IOException(file + " holds no PKCS#8 private key");
            }
            return new JcaPEMKeyConverter().getPrivateKey(info);
        }
    }

    private static X509Certificate readCertificate(Path file) throws IOException, GeneralSecurityException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            if (!(o instanceof X509CertificateHolder holder)) {
                throw new IOException(file + " holds no certificate");
            }
            return new JcaX509CertificateConverter().getCertificate(holder);
        }
    }
}
