<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>BusyBar</name>
    <message>
        <location filename="../wizard/ui/widgets/busy.py" line="+21"/>
        <source>Working</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CertWizard</name>
    <message>
        <location filename="../wizard/ui/wizard.py" line="+49"/>
        <source>SAP Cloud Integration: client certificate wizard</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CertificatePage</name>
    <message>
        <location filename="../wizard/ui/pages/certificate.py" line="+115"/>
        <source>Give the files your CA sent (drop them here or choose them: .cer, .crt, .pem, .p7b, in any order), or paste the PEM text. The wizard checks that the certificate belongs to this profile&apos;s key, completes and checks the chain, and stores it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The CA&apos;s &amp;files:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Or &amp;paste the PEM text:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Import and check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>C&amp;hain:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Reading the stored chain…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Checking the chain…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The certificate is stored in the profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1, valid until %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>This reply was not imported; the profile is unchanged. Each problem and its fix is listed below.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChainView</name>
    <message>
        <location filename="../wizard/ui/pages/trust.py" line="+57"/>
        <location filename="../wizard/ui/widgets/chain_view.py" line="+107"/>
        <source>leaf</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../wizard/ui/widgets/chain_view.py" line="+4"/>
        <source>intermediate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../wizard/ui/widgets/chain_view.py" line="-2"/>
        <source>root</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <location filename="../wizard/ui/widgets/chain_view.py" line="-30"/>
        <source>sent by server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../wizard/ui/widgets/chain_view.py" line="-44"/>
        <source>Certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Issued by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Valid until</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+23"/>
        <source>SHA-256 fingerprint: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+17"/>
        <source>CA reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>resolved from certifi (Mozilla&apos;s list)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>resolved from the system store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>resolved from SAP&apos;s list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+3"/>
        <source>resolved from %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-1"/>
        <source>downloaded from %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CopyableText</name>
    <message>
        <location filename="../wizard/ui/widgets/copyable.py" line="+29"/>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Save…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExportPage</name>
    <message>
        <location filename="../wizard/ui/pages/export.py" line="+77"/>
        <source>The PKCS#12 file (.p12) holds the private key, the certificate and the intermediates: it goes into the sender system&apos;s keystore. Its password only wraps it for the transport; keep the file itself safe.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Encryption</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Modern (recommended)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Legacy, for old consumers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Include the &amp;root certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Servers never need the root; some keystores want it to show a full chain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Alias (friendly name):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Copy password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Open folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Preparing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Writing the PKCS#12 and the certificate files…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Exported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The password is kept in: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Files:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>key, certificate and intermediates, for the sender&apos;s keystore</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the certificate (DER), for the tenant (Neo mapping)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the certificate (PEM), for the tenant (Cloud Foundry service key)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>certificate and intermediates (PEM), for curl and Postman</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>• %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Password copied</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paste it where the sender system asks for the PKCS#12 password.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FileDropList</name>
    <message>
        <location filename="../wizard/ui/widgets/file_drop.py" line="+59"/>
        <source>Drop the CA&apos;s files here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose files…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+35"/>
        <source>The CA&apos;s reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificates (*.cer *.crt *.pem *.der *.p7b *.p7c *.p7 *.txt);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>KeyPage</name>
    <message>
        <location filename="../wizard/ui/pages/key.py" line="+140"/>
        <source>The key pair is made on this computer and never leaves it; the CA only sees the request (CSR). Only the common name is required: it may be any name the tenant administrators recognise, without leading or trailing spaces.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Common name (CN):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Organizational &amp;unit (OU):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Organization (O):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Locality (L):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;State or province (ST):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cou&amp;ntry (C):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-&amp;mail address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Subject</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+18"/>
        <source>optional, e.g. DNS:erp.example.com, email:it@x.com</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Subject &amp;alternative names:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>RSA 2048 bits (oldest senders)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>RSA 3072 bits (recommended)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>RSA 4096 bits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>EC P-256</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>EC P-384</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Key type:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Generate key and request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Certificate &amp;request (CSR):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Send this request to your CA and ask for a client authentication certificate (Extended Key Usage clientAuth), delivered with the whole chain, from a CA whose root is on SAP&apos;s list of trusted client roots. A certificate sold as a TLS/SSL server certificate may lack clientAuth: SAP then rejects it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Reading the profile…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Renewal: a new key with the same subject</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The current key, request and certificate are moved to the profile&apos;s archive folder; the current certificate keeps working until the sender uses the new one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+74"/>
        <source>Generating the key pair…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Subject: %1. Key: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Saved: the request in %1, the encrypted key in %2; its passphrase is kept in %3. Once you go on, this key stays; for another one later, use Renew on the start page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>the keyring</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Save the certificate request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificate requests (*.csr *.pem)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Saving…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Saved %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Key generation cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No key and no request were written. Change what you like and generate again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Page</name>
    <message>
        <location filename="../wizard/ui/pages/base.py" line="+42"/>
        <source>Step %1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+73"/>
        <source>Cancelling…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Too late to cancel: the result is being saved…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cancelled; nothing was written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+47"/>
        <source>This needs your attention</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SecretPrompt</name>
    <message>
        <location filename="../wizard/ui/workers.py" line="+247"/>
        <source>Passphrase needed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StartPage</name>
    <message>
        <location filename="../wizard/ui/pages/start.py" line="+94"/>
        <source>Each sender system (an SAP system, a Java or .NET application, Postman…) gets a profile: its key, its certificate, and the tenant it calls.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Sender systems:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tenant host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subject CN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expires</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+12"/>
        <source>No sender systems yet. Start with a new one, or try the whole flow first with the sandbox tenant: it runs on this computer and needs no SAP account.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;New sender system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Re&amp;new</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Re&amp;move…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Try it with the sandbox tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A new key and request with the same subject, for a new certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Deletes the profile&apos;s folder and its keyring entries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+27"/>
        <source>&amp;Language:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>System default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Saved. The new language is used the next time the wizard starts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Reading the profiles…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source>%1 (expired)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Neo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cloud Foundry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source>cannot be read</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location line="+25"/>
        <source>%n day(s) left</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>new</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>waiting for the CA</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>certificate imported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>entered in the tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>tested</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+54"/>
        <source>No keyring: secrets are not stored</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No usable OS keyring was found (on Linux a SecretService such as GNOME Keyring or KWallet, unlocked). The wizard will ask you for the key passphrase and the PKCS#12 password when it needs them; keep them somewhere safe.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+68"/>
        <source>Opening %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Remove sender system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remove the profile %1? Its folder (key, certificate, PKCS#12 and the other files) and its keyring entries are deleted. Copies you gave to the sender system or the tenant are not touched.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Removing %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Starting the sandbox tenant…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SummaryPage</name>
    <message>
        <location filename="../wizard/ui/pages/summary.py" line="+50"/>
        <source>&amp;Which file goes where:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Contains</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Goes to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Add &amp;reminder to calendar…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Open the folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+17"/>
        <source>%1 is set up: the test call went through.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: the last test call ended with %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1: not tested yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The certificate expires on %1. Renew it before then: Renew on the start page makes a new key and request with the same subject.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>All files are in %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Listing the files…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Save the calendar reminder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Calendar files (*.ics)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Renew the client certificate of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The certificate %1 expires on %2 (in %3 days from this reminder). Open cpi-cert-wizard, choose %4 and Renew.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Writing the reminder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Reminder saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open %1 with your calendar to add it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantEntryPage</name>
    <message>
        <location filename="../wizard/ui/pages/tenant_entry.py" line="+136"/>
        <source>Neo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cloud Foundry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>En&amp;vironment:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Certificate-to-User Mapping or service key (recommended)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificate in the integration flow (not recommended: every renewal needs a redeploy)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;How the tenant checks the certificate:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;User the certificate maps to:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Roles of the sender channel:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Service &amp;instance:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Service &amp;key name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source> days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Key va&amp;lidity:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+13"/>
        <source>&amp;Update</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Do it in the sandbox tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Checklist: tick what you have done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Publish through the tenant&apos;s API (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Management host:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>API u&amp;ser:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>API pass&amp;word:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Publish</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+65"/>
        <source>Second option, not recommended: the integration flow&apos;s sender channel checks the certificate itself (Authorization = Client Certificate). Upload client.crt there or type its Subject DN and Issuer DN, then deploy the flow. Every renewal means editing and redeploying the flow.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Neo: upload the client certificate in Certificate-to-User Mappings with a user name (any name), then give that user the sender channel&apos;s role.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cloud Foundry: a Process Integration Runtime instance (plan integration-flow) holds the roles; a service key of type External Certificate holds the leaf certificate. The key&apos;s client id becomes the user.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Preparing the certificate for the integration flow…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Preparing the tenant entry…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Sub&amp;ject DN to type into the sender channel:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Issuer DN:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Or upload this file in the sender channel (Authorization = Client Certificate → Add → Select): %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Body for the mapping API (the tenant will show Id %1):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Certificate &amp;file to upload:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Service &amp;key parameters (External Certificate):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>cf &amp;commands (run them in the profile folder):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+56"/>
        <source>Mapping the certificate in the sandbox…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The sandbox tenant knows the certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mapped to user %1 with the roles %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Give the management host, the API user and its password to publish.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Publishing the mapping…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Published</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The tenant stored the mapping with Id %1 for user %2.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantPage</name>
    <message>
        <location filename="../wizard/ui/pages/tenant.py" line="+48"/>
        <source>Name the sender system (the system that will call the tenant) and paste the endpoint URL of the integration flow, or just the tenant&apos;s runtime host.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>for example ERP-PRD</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Detect from the host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+92"/>
        <source>Neo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-92"/>
        <location line="+92"/>
        <source>Cloud Foundry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-88"/>
        <source>&amp;Profile name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Endpoint URL or host:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>En&amp;vironment:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source>This is the sandbox tenant: it runs inside this program on 127.0.0.1 and behaves like a Neo tenant, with its own demo CA. Nothing leaves this computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Give the profile a name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Paste the endpoint URL or the host.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Note: the host looks like %1, not %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Detected from the host: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The host does not tell; fetching the tenant&apos;s root on the next page may, or choose it here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Saving the profile…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TestCallPage</name>
    <message>
        <location filename="../wizard/ui/pages/test_call.py" line="+89"/>
        <source>The wizard calls the endpoint the way the sender system will: with the key, the certificate and all intermediates, trusting the tenant&apos;s root.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Endpoint URL:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+34"/>
        <source>&amp;Call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-31"/>
        <source>Open an &amp;access log…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>E&amp;vidence:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The same call with c&amp;url:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+19"/>
        <location line="+24"/>
        <source>&amp;Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-8"/>
        <source>Calling the endpoint…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+28"/>
        <source>The call was abandoned.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>SAP HTTP access log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Access logs (http_access_*.log *.log *.gz);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Reading the access log…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The log has no calls to this endpoint.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 %2 %3 → %4: %5</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TrustPage</name>
    <message>
        <location filename="../wizard/ui/pages/trust.py" line="+38"/>
        <source>The sender system must trust the tenant&apos;s load balancer. The wizard reads the certificate chain the tenant presents and finds its root: that root goes into the sender&apos;s trust store.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Where the root goes: SAP ABAP (STRUST): SSL client PSE → Import certificate → Add to Certificate List. Java: keytool -importcert -keystore truststore.jks -file tenant-root.cer. Postman: Settings → Certificates → CA certificates → tenant-root.pem.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Fetch the chain again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Save root as .&amp;cer…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save root as .&amp;pem…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Chain presented by the tenant:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Skip for now: I will get the root another way (SAP&apos;s Connectivity Test)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Fetching the root is not available in this build</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The fetch-root engine (wizard.core.fetch_root) is missing. Get the root with SAP&apos;s Connectivity Test (Monitor → Manage Security → Connectivity Tests → TLS, untick Validate Server Certificate, download the root .cer) and tick Skip to go on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Reading the chain of %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The tenant&apos;s chain could not be read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Go Back to correct the URL, fetch again, or tick Skip to go on without it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+19"/>
        <source>The root %1 is saved in %2 as tenant-root.cer and tenant-root.pem: it goes into the sender system&apos;s trust store.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Fetching cancelled; nothing was saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fetch again, or tick Skip to go on without the root.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Save the tenant root</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificates (*%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Saving…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Saved %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VerdictBanner</name>
    <message>
        <location filename="../wizard/ui/widgets/verdict.py" line="+48"/>
        <source>Next step: </source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WaitingPage</name>
    <message>
        <location filename="../wizard/ui/pages/waiting.py" line="+47"/>
        <source>Send the request to your CA and wait for the signed certificate. This can take days: you can close the program now. When you open it again, choose this sender system and Resume; you will come back to this page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Certificate &amp;request (CSR):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Ask for: a client authentication certificate (Extended Key Usage clientAuth), with the whole chain (intermediates), from a CA whose root is on SAP&apos;s list. Any file format the CA sends is fine: .cer, .crt, .pem, .p7b.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Open the profile folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Sign with the sandbox CA</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The request is %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Reading the request…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The sandbox CA is signing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The sandbox CA answered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Its reply is %1 (leaf and intermediate, PKCS#7). Next imports it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>cli</name>
    <message>
        <location filename="../wizard/cli.py" line="+196"/>
        <source>error: {message}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>csr</name>
    <message>
        <location filename="../wizard/commands/csr.py" line="+44"/>
        <source>Give either --subject or --cn (with --org …), not both.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Say what the certificate is for: --cn NAME (or --subject DN).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Request: {file}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Key:     {file} (encrypted; passphrase kept in {where})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The previous key and certificate were copied to {folder}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Send the request to your CA and ask for a client-authentication certificate (Extended
Key Usage clientAuth) with the whole chain, from a CA on SAP&apos;s trust list. Then run:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>export_p12</name>
    <message>
        <location filename="../wizard/commands/export_p12.py" line="+41"/>
        <source>Password: {password}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Password: the one you typed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  kept in {where}; show it again with &apos;cpi-cert-wizard secret show --profile {profile} p12&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Which file goes where:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the sender system&apos;s keystore (STRUST: sapgenpse import_p12; Java: keytool -importkeystore; Postman: PFX)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>the tenant (Neo Certificate-to-User Mapping)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the tenant (Cloud Foundry External Certificate key)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>curl --cert / Postman: leaf + intermediates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Next: {command}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fetch_root</name>
    <message>
        <location filename="../wizard/core/fetch_root.py" line="+153"/>
        <source>Server chain: valid for {name}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Server chain: NOT valid for {name}:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The server ended the handshake after sending its chain ({error}); it requires a client certificate, and none is sent when fetching the root. The chain above was read before that.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The server ended the handshake after sending its chain ({error}). The chain above was read before that.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Root: not found, so nothing was saved. The chain stops at &apos;{subject}&apos;, issued by &apos;{issuer}&apos;: get that CA&apos;s root certificate (from the CA&apos;s website, or SAP&apos;s Connectivity Test) and pass it with --ca-file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>sent by server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>resolved from {source}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Root: {subject} (SHA-256 {sha256}), {origin}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP&apos;s list, {version}: the root is on the required list (the roots every BTP client must trust).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP&apos;s list, {version}: the root is approved, but not on the required list.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>SAP&apos;s list, {version}: the root was removed from the list; SAP&apos;s hosts are moving away from it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP&apos;s list, {version}: the root is an expired historic root.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>SAP&apos;s list, {version}: the root is not on it. That is unusual for an SAP Cloud Integration host: check that this is the tenant&apos;s runtime host, and whether a proxy or firewall that inspects TLS put its own root in front.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Environment: Neo (the host is an -iflmap. runtime host).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Environment: Cloud Foundry (the host is an -rt.cfapps. runtime host).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Environment: not recognised from the host name (neither Neo -iflmap. nor Cloud Foundry -rt.cfapps.); choose it in the profile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Client certificates: the server did not ask for one during the handshake.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Client certificates: the server asks for one and lists no CA names (it does not say which CAs it accepts).</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>Client certificates: the server asks for one and lists %n acceptable CA name(s); your certificate must chain to one of them:</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>flow</name>
    <message>
        <location filename="../wizard/core/flow.py" line="+72"/>
        <source>Sender systems</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sender system and tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Trust the tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Key and certificate request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting for the CA</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signed certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export for the sender system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tenant entry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Test call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+171"/>
        <source>the tenant&apos;s load-balancer root (DER)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the sender&apos;s trust store: STRUST SSL client PSE, Java truststore, Postman CA certificates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the same root as PEM text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>trust stores that want PEM (curl --cacert, OpenSSL)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the certificate request: public key and subject</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the CA, asking for a client authentication certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>private key, certificate and intermediates, protected by a password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the sender&apos;s keystore: STRUST (sapgenpse import_p12), keytool -importkeystore, Postman PFX, Windows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the client certificate only, public (DER)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the tenant: Neo Certificate-to-User Mapping upload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the client certificate only, public (PEM)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the tenant: Cloud Foundry External Certificate service key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the certificate and its intermediates (PEM)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>curl --cert, or senders that take the chain separately</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the body of the mapping API call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>POST /api/v1/CertificateUserMappings on the Neo tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the service instance&apos;s parameters (roles)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cf create-service … -c, or the cockpit&apos;s JSON field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the External Certificate service key&apos;s parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cf create-service-key … -c, or the cockpit&apos;s JSON field</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>import_reply</name>
    <message>
        <location filename="../wizard/commands/import_reply.py" line="+42"/>
        <source>Next: {command}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>language</name>
    <message>
        <location filename="../wizard/language.py" line="+99"/>
        <source>{code!r} is not a language of this program; use one of {codes}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>lints</name>
    <message>
        <location filename="../wizard/core/chain.py" line="+85"/>
        <source>certificate for another key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos;: this certificate belongs to another key; it was not issued for the CSR of {profile}. Import the certificate the CA issued for this CSR (compare subject and order number), or send this profile&apos;s CSR to the CA.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>self-signed certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is self-signed: self-signed certificates never pass SAP&apos;s load balancer, which only forwards certificates that chain to a root on SAP&apos;s list. Send the CSR to a CA whose root is on SAP&apos;s list and import the certificate it returns.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>chain cannot be completed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the chain cannot be completed: issuer &apos;{issuer}&apos; of &apos;{subject}&apos; was not found; add it with --ca-file or get the CA&apos;s bundle (intermediate and root certificates, usually on the CA&apos;s download page).{detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>certificate not valid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is not valid: {reason}. {fix}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>CA certificate instead of a client certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is a CA certificate (basicConstraints CA:TRUE), not a client certificate. Pick the certificate the CA issued for your CSR, not the CA&apos;s own.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>not for client authentication</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; has an Extended Key Usage without clientAuth ({usages}). Public TLS CAs stopped issuing clientAuth in their TLS/SSL server certificates in 2026, and SAP Integration Suite rejects client certificates without it. Ask the CA for a client-authentication certificate (Extended Key Usage clientAuth).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source>key usage forbids signing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; has a Key Usage without digitalSignature ({usages}), so it cannot sign the TLS handshake as a client. Ask the CA for a client-authentication certificate with Key Usage digitalSignature.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>RSA key too short</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; has an RSA key of {bits} bits; at least 2048 are required. {fix}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>SHA-1 signature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is signed with {algorithm}, which SAP&apos;s load balancer and current TLS libraries reject. {fix}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>empty common name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; has no common name (CN). SAP shows and maps client certificates by their CN: create a new CSR with --cn and have it signed again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>common name with spaces at the ends</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the common name &apos;{cn}&apos; of &apos;{subject}&apos; has leading or trailing spaces, which make the mapping to a user fail. Create a new CSR with the CN trimmed and have it signed again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>no Extended Key Usage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; has no Extended Key Usage. RFC 5280 treats that as unrestricted, but SAP asks for clientAuth explicitly; if the load balancer refuses it, ask the CA for a client-authentication certificate.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>unusual key type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; has a {key} key; SAP documents RSA (2048 bits or more) and EC P-256 or P-384 for client certificates. If the load balancer refuses it, create a new CSR with --key-type rsa-3072 or ec-p256.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>root not on SAP&apos;s list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the root &apos;{subject}&apos; is not on {version}. SAP&apos;s load balancer only accepts client certificates that chain to a listed root. Check SAP Note 2801396 (load a newer list with --sap-roots) or get the certificate from a CA whose root is listed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>root removed from SAP&apos;s list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the root &apos;{subject}&apos; was removed from SAP&apos;s list ({version}); the load balancer will stop accepting certificates that chain to it. Get a new certificate from a CA whose root is on the list.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>expires soon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; expires on {date} ({days} days left). Renew it now: new CSR, new certificate, then a new mapping entry (Neo) or service key (Cloud Foundry).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>renewal due</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is past two thirds of its lifetime ({days} of {total} days left, expires on {date}). Plan the renewal: new CSR, new certificate, new mapping entry (Neo) or service key (Cloud Foundry).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>chain ends in Baltimore CyberTrust Root</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the chain ends in &apos;{subject}&apos;, which expired on {date}. It was the historic root of SAP&apos;s Neo load balancer and certificates depending on it no longer work. Get a new certificate from a CA whose root is on {version}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>mapping</name>
    <message>
        <location filename="../wizard/core/mapping.py" line="+61"/>
        <source>Profile {profile!r} has no certificate yet (state {state}). Import the CA&apos;s reply first: cpi-cert-wizard import-reply --profile {profile} FILE [FILE ...]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Profile {profile!r} is marked {state} but its certificate file {file} is missing. Import the CA&apos;s reply again: cpi-cert-wizard import-reply --profile {profile} FILE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{file} of profile {profile!r} holds no readable PEM certificate ({reason}). Import the CA&apos;s reply again: cpi-cert-wizard import-reply --profile {profile} FILE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{file} of profile {profile!r} starts with certificate SHA-256 {found}, but the profile records {recorded}. Import the CA&apos;s reply again so both agree: cpi-cert-wizard import-reply --profile {profile} FILE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The certificate of profile {profile!r} ({subject}) expired on {date}; the tenant refuses it. Renew it first: cpi-cert-wizard csr --profile {profile} --new-key …, have the CA sign the request, then import-reply.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Profile {profile!r} does not record whether the tenant runs on Neo or Cloud Foundry (cpi-cert-wizard fetch-root records it). Give --env neo or --env cf.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{value!r} is not an environment; use neo or cf.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The user name is empty; give --user NAME (any name, up to 150 characters).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The user name {user!r} has leading or trailing spaces; the tenant compares it exactly. Remove them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The user name is {length} characters long; the tenant allows at most {limit}. Choose a shorter name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The user name {user!r} contains a control character; remove it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{role!r} is not a valid role name: SAP allows only letters, digits, &apos;_&apos; and &apos;.&apos; (for example ESBMessaging.send); remove {bad}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{what} {value!r} may use only letters, digits, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;, starting with a letter or digit, so the cf command can be pasted as it is.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The service key validity must be a whole number of days above 0, not {value}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The tenant compares the whole certificate, serial number included: a renewed or re-issued certificate needs a new mapping entry (keep the same user so its roles stay).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>A certificate may sit in exactly one service key across all service instances; a second key with the same certificate makes calls fail with &apos;invalid_client … the client certificate is not configured exactly once in a service key&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Pin Certificate is on by default: only this exact certificate is accepted, so a renewed certificate needs a new service key (then delete the old one).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Role changes on the service instance can take up to an hour to take effect; a 403 right after a change may only be that.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Trial tenants do not support certificate login at all; use a paid tenant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Do not add the deprecated grant type client_x509 to the instance: it blocks creating new service keys. Keep grant-types at client_credentials.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The certificate is valid only from {date}; calls with it fail until then.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The certificate expires on {date} ({days} days left); plan its renewal now: {renewal_how}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>on Neo that means a new mapping entry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>on Cloud Foundry that means a new service key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This certificate replaces an earlier one. The tenant matches the whole certificate, so the old mapping entry does not cover it: add the new entry (this run&apos;s files) for user {user}, and delete the old entry once the sender uses the new certificate.
  old SHA-256: {old}
  new SHA-256: {new}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>This certificate replaces an earlier one. With pinning on (the default) the old service key does not accept it: create the new key (this run&apos;s service-key.json), switch the sender, then delete the old key.
  old SHA-256: {old}
  new SHA-256: {new}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Cloud Integration → Monitor → Manage Security → Certificate-to-User Mappings → Add: user {user}, certificate {cer} (or let this tool publish it with --publish). The tenant will show Id {id}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Create the custom role {role}: SAP BTP cockpit → your Neo subaccount → Applications → Subscriptions → the application ending in &apos;iflmap&apos; → Roles → New Role.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Give user {user} the role {role}: SAP BTP cockpit → your Neo subaccount → Security → Authorizations → User {user} → Show Assignments → Assign → the application ending in &apos;iflmap&apos; → role {role}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Log in to the Cloud Foundry space of the subaccount that holds Cloud Integration: cf login -a &lt;API endpoint from the subaccount overview&gt;, then cf target -o &lt;org&gt; -s &lt;space&gt;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Create the Process Integration Runtime instance {instance} (plan integration-flow) with the roles {roles} from {file}. Skip this if an instance with these roles exists already; then pass its name with --instance. In the cockpit: Instances and Subscriptions → Create.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Create the service key {key} with the certificate from {file} (key type External Certificate; in the cockpit: the instance → Create Service Key → upload {pem}, the leaf only, never the chain).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>In the integration flow&apos;s sender channel: Authorization = User Role, user role {roles}; deploy the flow.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Call the endpoint: cpi-cert-wizard test-call --profile {profile}. In Monitor → System Log Files → http_access_&lt;node&gt;_&lt;date&gt;.log the user field shows {before} while the certificate reaches the tenant but is not yet mapped, {after} once it works, and &apos;-&apos; when no certificate arrived at all (send the whole chain).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the service key&apos;s clientid (see: cf service-key {instance} {key})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Second option, not recommended by SAP: the certificate is part of the integration flow, so every certificate change (each renewal, a new issuing CA) means editing the flow and redeploying it, and calls with the new certificate fail until then (downtime). The recommended option is {recommended}: cpi-cert-wizard mapping --profile {profile}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>a Certificate-to-User Mapping</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a service key holding the certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>To renew without refusing calls: add the new certificate to the channel next to the old one and redeploy, switch the sender to the new certificate, then remove the old one and redeploy again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The {which} DN holds attribute types ({names}) that not every program knows by these names; if the channel does not take the typed DN, upload {crt} instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cloud Foundry: SAP documents certificate login through a service key of the Process Integration Runtime; whether a call also needs one when the channel checks the certificate itself is not confirmed. If the test call gets 401, create the External Certificate service key as well: cpi-cert-wizard mapping --profile {profile} --env cf</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>here that means the new certificate in the flow and a redeploy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This certificate replaces an earlier one. The channel accepts only the certificates in its list: add this one ({crt}) next to the old one, redeploy, switch the sender, then remove the old one and redeploy again.
  old SHA-256: {old}
  new SHA-256: {new}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Open the integration flow (Design), select the sender channel (HTTPS, SOAP, IDoc, AS2 …) → Connection → Authorization = Client Certificate → Add → Select {crt}; or, in the same dialog, type the Subject DN and Issuer DN exactly as printed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Save and deploy the integration flow; the channel knows the certificate only once the flow runs again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Call the endpoint: cpi-cert-wizard test-call --profile {profile}. A 403 whose default trace (ljs_trace_&lt;node&gt;_&lt;date&gt;.log) says the subject and issuer are not contained in the accepted subjectAndIssuers list means the channel&apos;s list lacks this certificate: compare the DNs (cpi-cert-wizard analyze-log reads the trace).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>p12</name>
    <message>
        <location filename="../wizard/core/p12.py" line="+22"/>
        <source>AES-256-CBC with a SHA-256 MAC (PBES2): for current Java, OpenSSL 3, SAP sapgenpse, Windows 10/Server 2019 and newer, Postman.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>3DES with a SHA-1 MAC: only for old consumers (Windows Server 2012-2016, older macOS Keychain, Android 12 and older, old Java or SAP kernels) that otherwise report &apos;wrong password&apos; or &apos;MAC verification failed&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+56"/>
        <source>{source} could not be opened: the password is wrong, or it is not a PKCS#12 (.p12/.pfx) file. Check the password; if the file came from a CA portal, download it again as PKCS#12.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{source} holds no private key (only certificates). Export it again including the private key, or use import-reply for certificates alone.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>profiles</name>
    <message>
        <location filename="../wizard/commands/profiles.py" line="+41"/>
        <source>No profiles yet in {folder}.
Start with: cpi-cert-wizard csr --profile NAME --cn COMMON-NAME</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source> (renew)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Secrets are kept in: {where}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Remove profile {name!r}, its key and its keyring entries? [y/N] </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>y</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing removed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Removed profile {name}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../wizard/core/profiles.py" line="+258"/>
        <source>The profile as it was before its last change is kept in {backup}: copy it over {file} to restore it, or remove the profile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Restore it from a backup, or remove the profile (its folder) and create it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+138"/>
        <source>none yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>There is no profile named {name!r} in {folder} (profiles: {known}). Create it with &apos;cpi-cert-wizard csr --profile NAME …&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{file} cannot be read ({reason}). {restore}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{file} is not a profile. {restore}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>render</name>
    <message>
        <location filename="../wizard/commands/render.py" line="+17"/>
        <source>leaf</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>root</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>intermediate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>issued by {issuer}; valid until {date}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+15"/>
        <source>error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Imported the certificate into profile {profile}:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Judged against {version}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>reply</name>
    <message>
        <location filename="../wizard/core/reply.py" line="+35"/>
        <location line="+2"/>
        <location line="+1"/>
        <location line="+1"/>
        <source>a private key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-3"/>
        <source>an encrypted private key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>an SSH private key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>a certificate signing request (CSR)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>a public key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a certificate revocation list (CRL)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a PGP key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a PGP message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>here we need the certificate the CA returned for your CSR (.cer, .crt, .pem or .p7b)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+20"/>
        <source>{source} is empty. Download the certificate the CA returned for your CSR again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{source} holds a damaged certificate ({reason}). The file was probably changed while copying; download it again from the CA.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+69"/>
        <source>{source}: certificate block {number} is damaged ({reason}). The file was probably changed or cut while copying; download it again from the CA or copy the whole block including the BEGIN/END lines.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+15"/>
        <source>{source}: the PKCS#7 block {number} is damaged ({reason}). Download the .p7b again from the CA.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{source} is cut off: a &apos;-----BEGIN …-----&apos; line has no matching &apos;-----END …-----&apos; line. Copy or download the whole file again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+19"/>
        <source>{source} holds {what}, not a certificate — {need}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{source} contains no certificate — {need}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+50"/>
        <source>{source} holds a private key, not a certificate — {need}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{source} holds an encrypted private key, not a certificate — {need}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{source} holds a certificate signing request (CSR), the file you send to the CA, not the certificate it returns — {need}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{source} looks like a PKCS#12 keystore (.p12/.pfx: key and certificates together). For a key pair you already have, use import-p12 instead; otherwise {need}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{source} is a web page, not a certificate: the download probably returned a login or error page. Download the certificate again — {need}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{source} is a JSON file, not a certificate. A Cloud Foundry service key is imported with import-service-key; otherwise {need}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{source} is a text file without a &apos;-----BEGIN CERTIFICATE-----&apos; block — {need}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{source} is neither a PEM, DER nor PKCS#7 certificate file (unreadable binary data). Check that you picked the right file — {need}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+51"/>
        <source>Certificate {number} in {source} is damaged or uses an algorithm this program cannot read ({reason}). Download the CA&apos;s reply again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>sap_sign</name>
    <message numerus="yes">
        <location filename="../wizard/core/sap_sign.py" line="+84"/>
        <source>%n day(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n month(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n year(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location line="+167"/>
        <source>on: SAP renews it shortly before it expires; import the renewal with --refresh and update the tenant entry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>SAP replaces the subject of your CSR with its own (SAP SE, your subaccount and region, CN={cn}): what you typed for O, OU, L or C is not in the certificate.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>SAP replaces the subject of your CSR with its own (SAP SE, your subaccount and region): what you typed for O, OU, L or C is not in the certificate.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Only the CSR (the public key) is sent; the private key stays on this machine.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP signs for 1 day to 1 year; this request: {validity}. Automatic renewal: {renew}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The Destination service runs on Cloud Foundry: Neo users need a (free) Cloud Foundry subaccount for this one step; the certificate then works for Neo as well.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>secrets</name>
    <message>
        <location filename="../wizard/core/secrets.py" line="+45"/>
        <source>the private-key passphrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the PKCS#12 password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the tenant API secret</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the Destination service client secret</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+65"/>
        <source>No usable OS keyring was found (on Linux: a SecretService such as GNOME Keyring or KWallet, unlocked). Secrets are not stored; you will be asked for them each time, or set them in the environment variables listed in the README.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The keyring ({keyring}) is locked, so {what} cannot be used. Unlock it (log in to the desktop session or unlock &apos;Login&apos; in Passwords and Keys) and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The keyring ({keyring}) refused to handle {what}: {error}. Check that it is running and unlocked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+39"/>
        <source>{What} of profile {profile}: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{What} of profile {profile!r} is not in the keyring ({keyring}). Set {variable} or store it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+22"/>
        <source>not stored: taken from {variable}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No keyring: choose {what} for profile {profile}: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{What} needs 8 characters or more.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>not stored: no keyring, you will be asked for it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The keyring refused to delete {what}: {error}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>storage</name>
    <message>
        <location filename="../wizard/core/storage.py" line="+53"/>
        <source>Cannot write {file}: {reason}. Check that the folder exists and is writable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Cannot write {file}: {reason}. Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+20"/>
        <source>{file} is a folder, not {what}. Give the file itself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{file} is {size} MB; {what} is never that large (limit {limit} MB). Check that you picked the right file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+12"/>
        <source>{file} does not exist. Check the path.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{file} cannot be read (permission denied).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{file} cannot be read: {reason}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+77"/>
        <source>Cannot create the lock file {file}: {reason}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{what} is being changed by {holder}, which did not finish within {seconds} s. Wait for it to finish (or close the other cpi-cert-wizard) and try again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>test_call</name>
    <message>
        <location filename="../wizard/commands/test_call.py" line="+141"/>
        <source>no HTTP answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{method} {url}: {status} after {seconds} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Evidence:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Next: {step}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The same call with curl (the passphrase is fetched, not shown):</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>verdicts</name>
    <message>
        <location filename="../wizard/core/verdicts.py" line="+78"/>
        <source>Neo: {neo} Cloud Foundry: {cf}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Monitor → System Log Files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The default trace of node {node}, which answered, names the cause: open {trace} ({where}), or give it to cpi-cert-wizard analyze-log together with the access log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The default trace of the node that answered names the cause: open {trace} ({where}) of the node whose {access_log} shows this call, or give both files to cpi-cert-wizard analyze-log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The call went through</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant accepted the certificate, mapped it to a user with the required role and the integration flow answered with success.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Nothing to fix. Configure the sender system with the same key, chain and URL (export-p12), and keep an eye on the certificate&apos;s expiry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The tenant&apos;s server certificate is not trusted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The load balancer presented a certificate that does not lead to a root this call trusts (or is not valid for this host name), so the call stopped before sending anything.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Import the tenant&apos;s load-balancer root into the trust store (step 1: fetch-root), or choose the right one with --trust root|system|FILE. If a company proxy inspects TLS, its root is the one to trust.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The load balancer rejected the client certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The TLS handshake failed with an alert after the client certificate was sent: the chain is incomplete, its root is not one the load balancer accepts, or the certificate is expired or not meant for client authentication.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Send the whole chain (leaf and all intermediates), check the root against SAP&apos;s list of accepted client roots, and check validity and clientAuth in Extended Key Usage.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No certificate reached the tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The call arrived without usable credentials (HTTP 401): the load balancer dropped the client certificate because its chain has a problem (incomplete, root not accepted, self-signed, expired, no clientAuth), or the server never asked for one. The access log shows &apos;-&apos; as the user.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Fix the chain problem named in the evidence: send leaf and all intermediates, use a certificate from a CA whose root is on SAP&apos;s list, never a self-signed one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The certificate is not mapped to a user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The chain should pass the load balancer, yet the tenant answered 401: the certificate reached the tenant but is not known there. The access log shows &apos;&lt;subject CN&gt;@&lt;issuer CN&gt;&apos; as the user.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Register exactly this certificate in the tenant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add this exact certificate (the client .cer, serial included) in the Certificate-to-User Mapping with a user name; a renewed certificate needs a new entry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Create a service key of type External Certificate (certificate_external) with this leaf certificate as PEM on the Process Integration Runtime instance (plan integration-flow); the certificate must be in exactly one service key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Authenticated, but not allowed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant knows the certificate&apos;s user (HTTP 403) but that user lacks the role the flow&apos;s sender channel requires, or CSRF protection is on, or the flow&apos;s own client certificate list does not contain this subject and issuer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Give the mapped user the channel&apos;s role and check the sender channel&apos;s CSRF setting.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Give the mapped user the role the sender channel requires (default ESBMessaging.send) on the application ending in &apos;iflmap&apos; (cockpit → Security → Authorizations), and check the channel&apos;s CSRF protection setting.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Add the channel&apos;s role (default ESBMessaging.send) to the service instance&apos;s &quot;roles&quot; parameter (role changes can take up to an hour to apply), and check the channel&apos;s CSRF protection setting.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+12"/>
        <source>No integration flow at this address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Authentication passed but nothing listens at this path (HTTP 404), or the host answered with a redirect or &apos;method not allowed&apos; instead of running a flow: a typo, a flow that is not deployed, /http versus /cxf, or the management host instead of the runtime host.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Check the endpoint address in the deployed flow (Monitor → Manage Integration Content shows the endpoint URL) and use the runtime host.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The message is too large</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The request is larger than the sender channel allows (HTTP 413).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Send a smaller message or raise the maximum body size of the flow&apos;s sender channel.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The integration flow ran and failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Authentication and authorization passed; the flow itself ended in an error (HTTP 500, or another status the flow chose).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Open the message processing log of this call (Monitor → Monitor Message Processing) for the error; the certificate setup is fine.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The runtime is not available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant or the flow&apos;s runtime is not available right now (HTTP 502, 503, 504 or 429): being started, updated, overloaded, or the flow is not started.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Check the flow&apos;s deployment status and the tenant&apos;s health, then try again later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The host cannot be reached</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No connection could be opened: the host name does not resolve, or the port refuses connections, or there is no route.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Check the host name and port (the runtime host, port 443), DNS, and whether a firewall or a company proxy (--proxy, HTTPS_PROXY) is needed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No answer in time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The connection or the answer took longer than the time allowed: a firewall silently drops the traffic, a proxy is needed, or the flow takes longer than the timeout.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Check firewalls and proxies (--proxy, HTTPS_PROXY); for a slow flow, raise --timeout.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The proxy refused the connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The HTTP proxy could not be used or would not open a tunnel (CONNECT) to the tenant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Check the proxy address and credentials, and ask for CONNECT to the tenant host on port 443 to be allowed; bypass the proxy for this host with NO_PROXY if it is not needed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No TLS session with this port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Something answers at this address, but no TLS session could be set up with it: it speaks plain HTTP or another protocol, or closed the connection during the handshake.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Use an https:// URL of the runtime host on port 443; check for a proxy or gateway that intercepts the connection.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>workers</name>
    <message>
        <location filename="../wizard/ui/workers.py" line="-215"/>
        <source>Cancelled; nothing was written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+86"/>
        <source>Something went wrong that is not your fault (%1). Please report it with the log; nothing half-written was kept.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
