import Crypto
import Foundation
import X509

/// A certificate authority and a server certificate it signed, made afresh for a test (no key or
/// certificate is kept in the repository), as PEM text for NIOSSL and for `caCertificatesFile`.
package struct FetchTestCertificates: Sendable {
    /// The CA's certificate: what a client must trust.
    package let caPEM: String
    /// The server's certificate.
    package let serverPEM: String
    /// The server's private key (PKCS #8).
    package let serverKeyPEM: String

    /// A CA, and a server certificate for the DNS `names` signed by it, valid from a day before
    /// now for ten years (so no test depends on the clock beyond that).
    package init(names: [String]) throws {
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName { CommonName("newspipe test CA") }
        let now = Date()
        let notBefore = now.addingTimeInterval(-86_400), notAfter = now.addingTimeInterval(10 * 365 * 86_400)
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: caName, subject: caName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(caKey))
        let serverKey = P256.Signing.PrivateKey()
        let server = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(serverKey.publicKey),
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: caName,
            subject: try DistinguishedName { CommonName(names.first ?? "localhost") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names.map { .dnsName($0) })
            },
            issuerPrivateKey: .init(caKey))
        caPEM = try ca.serializeAsPEM().pemString
        serverPEM = try server.serializeAsPEM().pemString
        serverKeyPEM = serverKey.pemRepresentation
    }
}
