<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>BusyBar</name>
    <message>
        <location filename="../wizard/ui/widgets/busy.py" line="+20"/>
        <source>Working</source>
        <translation>In Arbeit</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>(Cancel stops it.)</source>
        <translation>(Abbrechen hält es an.)</translation>
    </message>
</context>
<context>
    <name>CaEnrollPanel</name>
    <message>
        <location filename="../wizard/ui/widgets/ca_enroll_panel.py" line="+81"/>
        <source>Send to the company CA</source>
        <translation>An die Unternehmens-CA senden</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>If your company&apos;s CA offers Microsoft AD CS web enrollment (…/certsrv) or EST, the wizard sends the request and brings the certificate back. A request an administrator must approve is kept in the profile: come back later and ask again.</source>
        <translation>Bietet die CA Ihres Unternehmens Microsoft-AD-CS-Webregistrierung (…/certsrv) oder EST an, sendet der Assistent die Anforderung und holt das Zertifikat zurück. Eine Anforderung, die ein Administrator genehmigen muss, wird im Profil gespeichert: Kommen Sie später zurück und fragen Sie erneut.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>AD CS web enrollment</source>
        <translation>AD-CS-Webregistrierung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>EST (RFC 7030)</source>
        <translation>EST (RFC 7030)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>the template&apos;s short name</source>
        <translation>der Kurzname der Vorlage</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Template:</source>
        <translation>Vo&amp;rlage:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;List</source>
        <translation>L&amp;iste</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ask the CA which templates it offers you</source>
        <translation>Die CA fragen, welche Vorlagen sie Ihnen anbietet</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+7"/>
        <source>Templates the CA offers</source>
        <translation>Vorlagen, die die CA anbietet</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>DOMAIN\name</source>
        <translation>DOMÄNE\name</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;User:</source>
        <translation>&amp;Benutzer:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>kept in the keyring after it worked</source>
        <translation>wird nach erfolgreicher Anmeldung im Schlüsselbund gespeichert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pass&amp;word:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Send to the &amp;company CA</source>
        <translation>An die Unternehmens-CA se&amp;nden</translation>
    </message>
    <message>
        <location line="-33"/>
        <source>Kind o&amp;f CA:</source>
        <translation>&amp;Art der CA:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>CA a&amp;ddress:</source>
        <translation>CA-A&amp;dresse:</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Sign &amp;in with:</source>
        <translation>Anmelden &amp;mit:</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Ask th&amp;e CA again</source>
        <translation>CA erneu&amp;t fragen</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Kerberos (the logged-on user)</source>
        <translation>Kerberos (angemeldeter Benutzer)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>NTLM (user and password)</source>
        <translation>NTLM (Benutzer und Passwort)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Basic (user and password)</source>
        <translation>Basic (Benutzer und Passwort)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>User and password (Basic)</source>
        <translation>Benutzer und Passwort (Basic)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The current certificate (renewal)</source>
        <translation>Das aktuelle Zertifikat (Erneuerung)</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>The request is %1.</source>
        <translation>Die Anforderung ist %1.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Sending the request to the company CA…</source>
        <translation>Die Anforderung wird an die Unternehmens-CA gesendet…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Asking the company CA…</source>
        <translation>Die Unternehmens-CA wird gefragt…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Asking the CA for its templates…</source>
        <translation>Die CA wird nach ihren Vorlagen gefragt…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The CA&apos;s request page lists no templates for you: ask the CA administrators for the template name and type it.</source>
        <translation>Die Anforderungsseite der CA nennt Ihnen keine Vorlagen: Fragen Sie die CA-Administratoren nach dem Vorlagennamen und geben Sie ihn ein.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Still waiting for the CA</source>
        <translation>Weiterhin Warten auf die CA</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The CA keeps the request pending</source>
        <translation>Die CA hält die Anforderung zurück</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>An administrator must approve it. You can close the program: when you resume this sender system, ask the CA again here.</source>
        <translation>Ein Administrator muss sie genehmigen. Sie können das Programm schließen: Wenn Sie dieses Sendersystem fortsetzen, fragen Sie die CA hier erneut.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Issued to: %1</source>
        <translation>Ausgestellt für: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Issued by: %1</source>
        <translation>Ausgestellt von: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Valid until: %1</source>
        <translation>Gültig bis: %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The company CA issued the certificate</source>
        <translation>Die Unternehmens-CA hat das Zertifikat ausgestellt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The certificate and its chain are stored in the profile. Next shows them.</source>
        <translation>Das Zertifikat und seine Kette sind im Profil gespeichert. „Weiter“ zeigt sie.</translation>
    </message>
</context>
<context>
    <name>CertWizard</name>
    <message>
        <location filename="../wizard/ui/wizard.py" line="+66"/>
        <source>SAP Cloud Integration: client certificate wizard</source>
        <translation>SAP Cloud Integration: Assistent für Client-Zertifikate</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>&amp;Finish</source>
        <translation>Fertig &amp;stellen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Back to the list of sender systems</source>
        <translation>Zurück zur Liste der Sendersysteme</translation>
    </message>
    <message>
        <location line="+76"/>
        <source>Discard what you typed?</source>
        <translation>Eingaben verwerfen?</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>What you typed on this page is not saved yet. Leave the page and lose it? Everything saved before stays in the profile.</source>
        <translation>Was Sie auf dieser Seite eingegeben haben, ist noch nicht gespeichert. Seite verlassen und die Eingaben verlieren? Alles zuvor Gespeicherte bleibt im Profil.</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>Stop what is running; nothing is written</source>
        <translation>Laufende Arbeit anhalten; nichts wird geschrieben</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Close the wizard</source>
        <translation>Assistenten schließen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Back to the list of sender systems; what is saved stays</source>
        <translation>Zurück zur Liste der Sendersysteme; Gespeichertes bleibt erhalten</translation>
    </message>
</context>
<context>
    <name>CertificateDetails</name>
    <message>
        <location filename="../wizard/ui/widgets/cert_details.py" line="+28"/>
        <source>Certificate details</source>
        <translation>Zertifikatsdetails</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Subject:</source>
        <translation>Subject (Inhaber):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Issuer:</source>
        <translation>Aussteller:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Serial number:</source>
        <translation>Seriennummer:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Valid from:</source>
        <translation>Gültig ab:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Valid until:</source>
        <translation>Gültig bis:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Public key:</source>
        <translation>Öffentlicher Schlüssel:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Signature algorithm:</source>
        <translation>Signaturalgorithmus:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Certificate authority:</source>
        <translation>Zertifizierungsstelle (CA):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Self-signed:</source>
        <translation>Selbstsigniert:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Key usage:</source>
        <translation>Schlüsselverwendung:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Extended key usage:</source>
        <translation>Erweiterte Schlüsselverwendung (EKU):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Subject alternative names:</source>
        <translation>Alternative Namen (SAN):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Authority key identifier:</source>
        <translation>Schlüsselkennung der Zertifizierungsstelle (AKI):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Subject key identifier:</source>
        <translation>Schlüsselkennung des Inhabers (SKI):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>CA issuers (AIA):</source>
        <translation>CA-Aussteller (AIA):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>OCSP (AIA):</source>
        <translation>OCSP (AIA):</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>SHA-256 fingerprint:</source>
        <translation>SHA-256-Fingerabdruck:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SHA-1 fingerprint:</source>
        <translation>SHA-1-Fingerabdruck:</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;PEM:</source>
        <translation>&amp;PEM:</translation>
    </message>
</context>
<context>
    <name>CertificatePage</name>
    <message>
        <location filename="../wizard/ui/pages/certificate.py" line="+116"/>
        <source>Give the files your CA sent (drop them here or choose them: .cer, .crt, .pem, .p7b, in any order), or paste the PEM text. The wizard checks that the certificate belongs to this profile&apos;s key, completes and checks the chain, and stores it.</source>
        <translation>Geben Sie die Dateien an, die Ihre Zertifizierungsstelle (CA) geschickt hat (hier ablegen oder auswählen: .cer, .crt, .pem, .p7b, in beliebiger Reihenfolge), oder fügen Sie den PEM-Text ein. Der Assistent prüft, ob das Zertifikat zum Schlüssel dieses Profils gehört, vervollständigt und prüft die Kette und speichert sie.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The CA&apos;s &amp;files:</source>
        <translation>&amp;Dateien der CA:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Or &amp;paste the PEM text:</source>
        <translation>Oder PEM-Text &amp;einfügen:</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Import and check</source>
        <translation>&amp;Importieren und prüfen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>C&amp;hain:</source>
        <translation>&amp;Kette:</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Reading the stored chain…</source>
        <translation>Gespeicherte Kette wird gelesen…</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>There are files in the list and pasted text: which is the CA&apos;s reply? Remove the files from the list, or clear the pasted text, then import.</source>
        <translation>Es gibt Dateien in der Liste und eingefügten Text: Was ist die Antwort der CA? Entfernen Sie die Dateien aus der Liste oder leeren Sie den eingefügten Text, dann importieren Sie.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Checking the chain…</source>
        <translation>Kette wird geprüft…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The certificate is stored in the profile</source>
        <translation>Das Zertifikat ist im Profil gespeichert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1, valid until %2.</source>
        <translation>%1, gültig bis %2.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>This reply was not imported; the profile is unchanged. Each problem and its fix is listed below.</source>
        <translation>Diese Antwort wurde nicht importiert; das Profil ist unverändert. Jedes Problem und seine Lösung stehen unten.</translation>
    </message>
</context>
<context>
    <name>ChainView</name>
    <message>
        <location filename="../wizard/ui/pages/trust.py" line="+59"/>
        <location filename="../wizard/ui/widgets/chain_view.py" line="+125"/>
        <source>leaf</source>
        <translation>Endzertifikat</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../wizard/ui/widgets/chain_view.py" line="+4"/>
        <source>intermediate</source>
        <translation>Zwischenzertifikat</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../wizard/ui/widgets/chain_view.py" line="-2"/>
        <source>root</source>
        <translation>Root</translation>
    </message>
    <message>
        <location line="+7"/>
        <location filename="../wizard/ui/widgets/chain_view.py" line="-30"/>
        <source>sent by server</source>
        <translation>vom Server gesendet</translation>
    </message>
    <message>
        <location filename="../wizard/ui/widgets/chain_view.py" line="-61"/>
        <source>Certificate</source>
        <translation>Zertifikat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Issued by</source>
        <translation>Ausgestellt von</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Valid until</source>
        <translation>Gültig bis</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Double-click a certificate for its details</source>
        <translation>Doppelklick auf ein Zertifikat zeigt seine Details</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>%1: %2</source>
        <comment>chain role: subject</comment>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>SHA-256 fingerprint: %1</source>
        <translation>SHA-256-Fingerabdruck: %1</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>CA reply</source>
        <translation>Antwort der CA</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>resolved from certifi (Mozilla&apos;s list)</source>
        <translation>ermittelt aus certifi (Mozilla-Liste)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>resolved from the system store</source>
        <translation>ermittelt aus dem Systemspeicher</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>resolved from SAP&apos;s list</source>
        <translation>ermittelt aus der SAP-Liste</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+3"/>
        <source>resolved from %1</source>
        <translation>ermittelt aus %1</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>downloaded from %1</source>
        <translation>heruntergeladen von %1</translation>
    </message>
</context>
<context>
    <name>ChooseSecretDialog</name>
    <message>
        <location filename="../wizard/ui/widgets/password_dialog.py" line="+26"/>
        <source>No keyring: choose a passphrase</source>
        <translation>Kein Schlüsselbund: Passphrase wählen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>At least 8 characters, typed twice. It is not stored anywhere: keep it safe, you will be asked for it once per session.</source>
        <translation>Mindestens 8 Zeichen, zweimal eingegeben. Sie wird nirgends gespeichert: Bewahren Sie sie sicher auf, Sie werden einmal pro Sitzung danach gefragt.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>&amp;Passphrase:</source>
        <translation>&amp;Passphrase:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Repeat:</source>
        <translation>&amp;Wiederholen:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Show</source>
        <translation>An&amp;zeigen</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Too short: at least 8 characters.</source>
        <translation>Zu kurz: mindestens 8 Zeichen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The two entries differ.</source>
        <translation>Die beiden Eingaben unterscheiden sich.</translation>
    </message>
</context>
<context>
    <name>CopyableText</name>
    <message>
        <location filename="../wizard/ui/widgets/copyable.py" line="+30"/>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Save…</source>
        <translation>Speichern…</translation>
    </message>
</context>
<context>
    <name>ExportPage</name>
    <message>
        <location filename="../wizard/ui/pages/export.py" line="+86"/>
        <source>The PKCS#12 file (.p12) holds the private key, the certificate and the intermediates: it goes into the sender system&apos;s keystore. Its password only wraps it for the transport; keep the file itself safe.</source>
        <translation>Die PKCS#12-Datei (.p12) enthält den privaten Schlüssel, das Zertifikat und die Zwischenzertifikate: Sie gehört in den Keystore des Sendersystems. Ihr Passwort schützt sie nur für den Transport; bewahren Sie die Datei selbst sicher auf.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Encryption</source>
        <translation>Verschlüsselung</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Modern (recommended)</source>
        <translation>&amp;Modern (empfohlen)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Legacy, for old consumers</source>
        <translation>&amp;Legacy, für alte Empfänger</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Include the &amp;root certificate</source>
        <translation>&amp;Root-Zertifikat einschließen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Servers never need the root; some keystores want it to show a full chain.</source>
        <translation>Server brauchen das Root-Zertifikat nie; manche Keystores wollen es, um die vollständige Kette anzuzeigen.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Alias (friendly name):</source>
        <translation>&amp;Alias (Anzeigename):</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Export</source>
        <translation>&amp;Exportieren</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>PKCS#12 pass&amp;word:</source>
        <translation>PKCS#12-&amp;Passwort:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Show</source>
        <translation>Anzei&amp;gen</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Copy password</source>
        <translation>Passwort &amp;kopieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Open folder</source>
        <translation>&amp;Ordner öffnen</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Password of the .p12</source>
        <translation>Passwort der .p12-Datei</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Generated by the wizard (recommended)</source>
        <translation>&amp;Vom Assistenten erzeugt (empfohlen)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>C&amp;hosen by me</source>
        <translation>Selbst gewä&amp;hlt</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>&amp;Password:</source>
        <translation>&amp;Neues Passwort:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Repeat &amp;it:</source>
        <translation>Wie&amp;derholen:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show &amp;typed</source>
        <translation>E&amp;ingabe zeigen</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>8 characters or more, on one line, typed twice. It is kept in the keyring like a generated one; the sender system&apos;s administrator needs it to import the file.</source>
        <translation>Mindestens 8 Zeichen, in einer Zeile, zweimal eingegeben. Es wird wie ein erzeugtes im Schlüsselbund aufbewahrt; der Administrator des Sendersystems braucht es, um die Datei zu importieren.</translation>
    </message>
    <message numerus="yes">
        <location line="+27"/>
        <source>Too short: %n more character(s) needed.</source>
        <translation>
            <numerusform>Zu kurz: %n weiteres Zeichen nötig.</numerusform>
            <numerusform>Zu kurz: %n weitere Zeichen nötig.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The password must be on one line.</source>
        <translation>Das Passwort muss in einer Zeile stehen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The two entries differ.</source>
        <translation>Die beiden Eingaben stimmen nicht überein.</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Preparing…</source>
        <translation>Vorbereitung…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Type your password twice (8 characters or more).</source>
        <translation>Geben Sie Ihr Passwort zweimal ein (mindestens 8 Zeichen).</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Writing the PKCS#12 and the certificate files…</source>
        <translation>PKCS#12 und Zertifikatsdateien werden geschrieben…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Exported</source>
        <translation>Exportiert</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>The password is kept in: %1.</source>
        <translation>Das Passwort liegt in: %1.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The password is not kept anywhere (%1).</source>
        <translation>Das Passwort wird nirgends aufbewahrt (%1).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Files:</source>
        <translation>Dateien:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>key, certificate and intermediates, for the sender&apos;s keystore</source>
        <translation>Schlüssel, Zertifikat und Zwischenzertifikate, für den Keystore des Senders</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the certificate (DER), for the tenant (Neo mapping)</source>
        <translation>das Zertifikat (DER), für den Tenant (Neo-Zuordnung)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the certificate (PEM), for the tenant (Cloud Foundry service key)</source>
        <translation>das Zertifikat (PEM), für den Tenant (Cloud-Foundry-Serviceschlüssel)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>certificate and intermediates (PEM), for curl and Postman</source>
        <translation>Zertifikat und Zwischenzertifikate (PEM), für curl und Postman</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>• %1: %2</source>
        <translation>• %1: %2</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Password copied</source>
        <translation>Passwort kopiert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paste it where the sender system asks for the PKCS#12 password.</source>
        <translation>Fügen Sie es dort ein, wo das Sendersystem nach dem PKCS#12-Passwort fragt.</translation>
    </message>
</context>
<context>
    <name>FileDropList</name>
    <message>
        <location filename="../wizard/ui/widgets/file_drop.py" line="+59"/>
        <source>Drop the CA&apos;s files here</source>
        <translation>Dateien der CA hier ablegen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose files…</source>
        <translation>Dateien auswählen…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>The CA&apos;s reply</source>
        <translation>Antwort der CA</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificates (*.cer *.crt *.pem *.der *.p7b *.p7c *.p7 *.txt);;All files (*)</source>
        <translation>Zertifikate (*.cer *.crt *.pem *.der *.p7b *.p7c *.p7 *.txt);;Alle Dateien (*)</translation>
    </message>
</context>
<context>
    <name>KeyPage</name>
    <message>
        <location filename="../wizard/ui/pages/key.py" line="+140"/>
        <source>The key pair is made on this computer and never leaves it; the CA only sees the request (CSR). Only the common name is required: it may be any name the tenant administrators recognise, without leading or trailing spaces.</source>
        <translation>Das Schlüsselpaar wird auf diesem Computer erzeugt und verlässt ihn nie; die CA sieht nur die Anforderung (CSR). Nur der Common Name ist Pflicht: Er darf jeder Name sein, den die Tenant-Administratoren wiedererkennen, ohne Leerzeichen am Anfang oder Ende.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Common name (CN):</source>
        <translation>&amp;Common Name (CN):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Organizational &amp;unit (OU):</source>
        <translation>Organisationsein&amp;heit (OU):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Organization (O):</source>
        <translation>&amp;Organisation (O):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Locality (L):</source>
        <translation>O&amp;rt (L):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;State or province (ST):</source>
        <translation>&amp;Bundesland oder Region (ST):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Countr&amp;y (C):</source>
        <translation>&amp;Land (C):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-&amp;mail address:</source>
        <translation>E-&amp;Mail-Adresse:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Subject</source>
        <translation>Subject</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>optional, e.g. DNS:erp.example.com, email:it@x.com</source>
        <translation>optional, z. B. DNS:erp.example.com, email:it@x.com</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Subject &amp;alternative names:</source>
        <translation>&amp;Alternative Namen (SAN):</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>RSA 2048 bits (oldest senders)</source>
        <translation>RSA 2048 Bit (älteste Sender)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>RSA 3072 bits (recommended)</source>
        <translation>RSA 3072 Bit (empfohlen)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>RSA 4096 bits</source>
        <translation>RSA 4096 Bit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>EC P-256</source>
        <translation>EC P-256</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>EC P-384</source>
        <translation>EC P-384</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Key type:</source>
        <translation>Schlüssel&amp;typ:</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Generate key and request</source>
        <translation>Schlüssel und Anforderung &amp;erzeugen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Certificate &amp;request (CSR):</source>
        <translation>Zertifikatsan&amp;forderung (CSR):</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Send this request to your CA and ask for a client authentication certificate (Extended Key Usage clientAuth), delivered with the whole chain, from a CA whose root is on SAP&apos;s list of trusted client roots. A certificate sold as a TLS/SSL server certificate may lack clientAuth: SAP then rejects it.</source>
        <translation>Senden Sie diese Anforderung an Ihre CA und verlangen Sie ein Zertifikat für die Client-Authentifizierung (Extended Key Usage clientAuth), geliefert mit der ganzen Kette, von einer CA, deren Root-Zertifikat auf der SAP-Liste vertrauenswürdiger Client-Roots steht. Ein als TLS/SSL-Serverzertifikat verkauftes Zertifikat hat womöglich kein clientAuth: SAP lehnt es dann ab.</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Reading the profile…</source>
        <translation>Profil wird gelesen…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Renewal: a new key with the same subject</source>
        <translation>Erneuerung: ein neuer Schlüssel mit demselben Subject</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The current key, request and certificate are moved to the profile&apos;s archive folder; the current certificate keeps working until the sender uses the new one.</source>
        <translation>Der aktuelle Schlüssel, die Anforderung und das Zertifikat werden in den Archivordner des Profils verschoben; das aktuelle Zertifikat funktioniert weiter, bis der Sender das neue verwendet.</translation>
    </message>
    <message>
        <location line="+93"/>
        <source>Generating the key pair…</source>
        <translation>Schlüsselpaar wird erzeugt…</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Subject: %1. Key: %2.</source>
        <translation>Subject: %1. Schlüssel: %2.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>nowhere (no keyring: %1)</source>
        <translation>keinem Schlüsselbund (keiner vorhanden: %1)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Saved: the request in %1, the encrypted key in %2; its passphrase is kept in %3. Once you go on, this key stays; for another one later, use Renew on the start page.</source>
        <translation>Gespeichert: die Anforderung in %1, der verschlüsselte Schlüssel in %2; seine Passphrase liegt in %3. Sobald Sie weitergehen, bleibt dieser Schlüssel; für einen anderen später nutzen Sie „Erneuern“ auf der Startseite.</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>the keyring</source>
        <translation>dem Schlüsselbund</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Save the certificate request</source>
        <translation>Zertifikatsanforderung speichern</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificate requests (*.csr *.pem)</source>
        <translation>Zertifikatsanforderungen (*.csr *.pem)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Saving…</source>
        <translation>Wird gespeichert…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Key generation cancelled</source>
        <translation>Schlüsselerzeugung abgebrochen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No key and no request were written. Change what you like and generate again.</source>
        <translation>Weder Schlüssel noch Anforderung wurden geschrieben. Ändern Sie, was Sie möchten, und erzeugen Sie erneut.</translation>
    </message>
</context>
<context>
    <name>Page</name>
    <message>
        <location filename="../wizard/ui/pages/base.py" line="+121"/>
        <source>Step %1 of %2</source>
        <translation>Schritt %1 von %2</translation>
    </message>
    <message>
        <location line="+90"/>
        <source>Too late to cancel: the result is being saved…</source>
        <translation>Zu spät zum Abbrechen: Das Ergebnis wird gespeichert…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancelled; nothing was written.</source>
        <translation>Abgebrochen; nichts wurde geschrieben.</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>This needs your attention</source>
        <translation>Das braucht Ihre Aufmerksamkeit</translation>
    </message>
</context>
<context>
    <name>SecretPrompt</name>
    <message>
        <location filename="../wizard/ui/workers.py" line="+313"/>
        <source>Passphrase needed</source>
        <translation>Passphrase erforderlich</translation>
    </message>
</context>
<context>
    <name>StartPage</name>
    <message>
        <location filename="../wizard/ui/pages/start_shell.py" line="+22"/>
        <source>Each sender system (an SAP system, a Java or .NET application, Postman…) gets a profile: its key, its certificate, and the tenant it calls.</source>
        <translation>Jedes Sendersystem (ein SAP-System, eine Java- oder .NET-Anwendung, Postman…) erhält ein Profil: seinen Schlüssel, sein Zertifikat und den Tenant, den es aufruft.</translation>
    </message>
    <message>
        <location filename="../wizard/ui/pages/start.py" line="+138"/>
        <source>&amp;Sender systems:</source>
        <translation>&amp;Sendersysteme:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Filter:</source>
        <translation>F&amp;ilter:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>name, host, subject, state…</source>
        <translation>Name, Host, Subject, Status…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Environment</source>
        <translation>Umgebung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tenant host</source>
        <translation>Tenant-Host</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subject CN</source>
        <translation>Subject-CN</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expires</source>
        <translation>Läuft ab</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SAP-signed</source>
        <translation>Von SAP signiert</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>No sender systems yet. Start with a new one, or try the whole flow first with the sandbox tenant: it runs on this computer and needs no SAP account.</source>
        <translation>Noch keine Sendersysteme. Beginnen Sie mit einem neuen, oder probieren Sie den ganzen Ablauf zuerst mit dem Sandbox-Tenant aus: Er läuft auf diesem Computer und braucht kein SAP-Konto.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Re&amp;move…</source>
        <translation>Entfe&amp;rnen…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Certificate &amp;details…</source>
        <translation>Zertifikat&amp;details…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Subject, issuer, validity, key, extensions and fingerprints</source>
        <translation>Inhaber, Aussteller, Gültigkeit, Schlüssel, Erweiterungen und Fingerabdrücke</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Try it with the sandbox tenant</source>
        <translation>Mit dem Sandbox-Tenant &amp;ausprobieren</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A new key and request with the same subject, for a new certificate</source>
        <translation>Ein neuer Schlüssel und eine neue Anforderung mit demselben Subject, für ein neues Zertifikat</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Deletes the profile&apos;s folder and its keyring entries</source>
        <translation>Löscht den Ordner des Profils und seine Einträge im Schlüsselbund</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>&amp;Language:</source>
        <translation>Sprac&amp;he:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>System default</source>
        <translation>Systemstandard</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Saved. The new language is used the next time the wizard starts.</source>
        <translation>Gespeichert. Die neue Sprache gilt beim nächsten Start des Assistenten.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Client roots judged against:</source>
        <translation>Client-Stammzertifikate geprüft gegen:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add r&amp;oots file…</source>
        <translation>Stammzertifikat-Datei hinz&amp;ufügen…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Use SAP&apos;s l&amp;ist only</source>
        <translation>Nur SAP-&amp;Liste verwenden</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A PEM file of root certificates that SAP&apos;s pages name but the bundled list lacks: they count as accepted from now on</source>
        <translation>Eine PEM-Datei mit Stammzertifikaten, die SAPs Seiten nennen, die mitgelieferte Liste aber nicht enthält: Sie gelten ab jetzt als akzeptiert</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>SAP&apos;s bundled list plus %1</source>
        <translation>Mitgelieferte SAP-Liste plus %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>SAP&apos;s bundled list (BTP trust store)</source>
        <translation>Mitgelieferte SAP-Liste (BTP Trust Store)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Roots to add to SAP&apos;s list</source>
        <translation>Stammzertifikate für die SAP-Liste</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>Zertifikate (*.pem *.crt *.cer);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location line="+140"/>
        <source>%1 (expired)</source>
        <translation>%1 (abgelaufen)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Neo</source>
        <translation>Neo</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cloud Foundry</source>
        <translation>Cloud Foundry</translation>
    </message>
    <message>
        <location line="-13"/>
        <source>cannot be read</source>
        <translation>nicht lesbar</translation>
    </message>
    <message>
        <location line="-260"/>
        <source>Ne&amp;w sender system</source>
        <translation>&amp;Neues Sendersystem</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ren&amp;ew</source>
        <translation>&amp;Erneuern</translation>
    </message>
    <message>
        <location line="+242"/>
        <source>Reading the profiles… %1 of %2</source>
        <translation>Profile werden gelesen… %1 von %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 of %2 shown</source>
        <translation>%1 von %2 angezeigt</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>yes, SAP renews it</source>
        <translation>ja, SAP erneuert es</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>yes, renewed by hand</source>
        <translation>ja, wird manuell erneuert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>yes</source>
        <comment>signed by SAP</comment>
        <translation>ja</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Signed by SAP through the subaccount&apos;s Destination service</source>
        <translation>Von SAP über den Destination-Service des Subaccounts signiert</translation>
    </message>
    <message numerus="yes">
        <location line="+17"/>
        <source>%n day(s) left</source>
        <translation>
            <numerusform>noch %n Tag</numerusform>
            <numerusform>noch %n Tage</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>new</source>
        <translation>neu</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>waiting for the CA</source>
        <translation>wartet auf die CA</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>certificate imported</source>
        <translation>Zertifikat importiert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>entered in the tenant</source>
        <translation>im Tenant eingetragen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>tested</source>
        <translation>getestet</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>The sandbox tenant is already running in this window: resume its profile from the list (its name starts with sandbox-demo).</source>
        <translation>Der Sandbox-Tenant läuft in diesem Fenster bereits: Setzen Sie sein Profil aus der Liste fort (sein Name beginnt mit sandbox-demo).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Walk the whole flow with a tenant that runs on this computer</source>
        <translation>Den ganzen Ablauf mit einem Tenant auf diesem Computer durchgehen</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>No keyring: secrets are not stored</source>
        <translation>Kein Schlüsselbund: Geheimnisse werden nicht gespeichert</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No usable OS keyring was found (on Linux a SecretService such as GNOME Keyring or KWallet, unlocked). The wizard will ask you for the key passphrase and the PKCS#12 password when it needs them; keep them somewhere safe.</source>
        <translation>Es wurde kein nutzbarer Schlüsselbund des Betriebssystems gefunden (unter Linux ein entsperrter SecretService wie GNOME Keyring oder KWallet). Der Assistent fragt Sie nach der Passphrase des Schlüssels und dem PKCS#12-Passwort, wenn er sie braucht; bewahren Sie sie sicher auf.</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>Reading the certificate of %1…</source>
        <translation>Das Zertifikat von %1 wird gelesen…</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Opening %1…</source>
        <translation>%1 wird geöffnet…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Remove sender system</source>
        <translation>Sendersystem entfernen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remove the profile %1? Its folder (key, certificate, PKCS#12 and the other files) and its keyring entries are deleted. Copies you gave to the sender system or the tenant are not touched.</source>
        <translation>Das Profil %1 entfernen? Sein Ordner (Schlüssel, Zertifikat, PKCS#12 und die anderen Dateien) und seine Einträge im Schlüsselbund werden gelöscht. Kopien, die Sie dem Sendersystem oder dem Tenant gegeben haben, bleiben unberührt.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Removing %1…</source>
        <translation>%1 wird entfernt…</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Starting the sandbox tenant…</source>
        <translation>Sandbox-Tenant wird gestartet…</translation>
    </message>
</context>
<context>
    <name>SummaryPage</name>
    <message>
        <location filename="../wizard/ui/pages/summary.py" line="+70"/>
        <source>&amp;Which file goes where:</source>
        <translation>&amp;Welche Datei wohin gehört:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Contains</source>
        <translation>Inhalt</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Goes to</source>
        <translation>Gehört zu</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>&amp;Your sender:</source>
        <translation>&amp;Ihr Sendersystem:</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Add &amp;reminder to calendar…</source>
        <translation>&amp;Erinnerung im Kalender eintragen…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Open the folder</source>
        <translation>Ordner ö&amp;ffnen</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>%1 is set up: the test call went through.</source>
        <translation>%1 ist eingerichtet: Der Testaufruf war erfolgreich.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 is not set up yet: the last test call failed: %2</source>
        <translation>%1 ist noch nicht eingerichtet: Der letzte Testaufruf ist fehlgeschlagen: %2</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1: not tested yet.</source>
        <translation>%1: noch nicht getestet.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Go back to step %1: %2</source>
        <translation>Zu Schritt %1 zurück&amp;gehen: %2</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The certificate expires on %1. Renew it before then: Renew on the start page makes a new key and request with the same subject.</source>
        <translation>Das Zertifikat läuft am %1 ab. Erneuern Sie es vorher: „Erneuern“ auf der Startseite erzeugt einen neuen Schlüssel und eine neue Anforderung mit demselben Subject.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>All files are in %1.</source>
        <translation>Alle Dateien liegen in %1.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Listing the files…</source>
        <translation>Dateien werden aufgelistet…</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>Save the calendar reminder</source>
        <translation>Kalendererinnerung speichern</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Calendar files (*.ics)</source>
        <translation>Kalenderdateien (*.ics)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Renew the client certificate of %1</source>
        <translation>Client-Zertifikat von %1 erneuern</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The certificate %1 expires on %2 (in %3 days from this reminder). Open cpi-cert-wizard, choose %4 and Renew.</source>
        <translation>Das Zertifikat %1 läuft am %2 ab (%3 Tage nach dieser Erinnerung). Öffnen Sie cpi-cert-wizard, wählen Sie %4 und „Erneuern“.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Writing the reminder…</source>
        <translation>Erinnerung wird geschrieben…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Reminder saved</source>
        <translation>Erinnerung gespeichert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open %1 with your calendar to add it.</source>
        <translation>Öffnen Sie %1 mit Ihrem Kalender, um sie hinzuzufügen.</translation>
    </message>
</context>
<context>
    <name>TenantEntryPage</name>
    <message>
        <location filename="../wizard/ui/pages/tenant_entry.py" line="+134"/>
        <source>Neo</source>
        <translation>Neo</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cloud Foundry</source>
        <translation>Cloud Foundry</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>En&amp;vironment:</source>
        <translation>&amp;Umgebung:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Certificate-to-User Mapping or service key (recommended)</source>
        <translation>Zertifikat-zu-Benutzer-Zuordnung oder Serviceschlüssel (empfohlen)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificate in the integration flow (not recommended: every renewal needs a redeploy)</source>
        <translation>Zertifikat im Integrationsfluss (nicht empfohlen: jede Erneuerung erfordert ein erneutes Deployment)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;How the tenant checks the certificate:</source>
        <translation>Wie der &amp;Tenant das Zertifikat prüft:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;User the certificate maps to:</source>
        <translation>&amp;Benutzer, dem das Zertifikat zugeordnet wird:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Roles of the sender channel:</source>
        <translation>&amp;Rollen des Sender-Kanals:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Service &amp;instance:</source>
        <translation>Service-&amp;Instanz:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Service &amp;key name:</source>
        <translation>Name des Service&amp;schlüssels:</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Up&amp;date</source>
        <translation>A&amp;ktualisieren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Do it in the &amp;sandbox tenant</source>
        <translation>Im Sandbox-Tenant &amp;erledigen</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Checklist: tick what you have done</source>
        <translation>Checkliste: Haken Sie ab, was erledigt ist</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Publish through the tenant&apos;s API (optional)</source>
        <translation>Über die API des Tenants veröffentlichen (optional)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Management host:</source>
        <translation>&amp;Management-Host:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>API u&amp;ser:</source>
        <translation>API-Be&amp;nutzer:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>API pass&amp;word:</source>
        <translation>API-Pass&amp;wort:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Publish</source>
        <translation>&amp;Veröffentlichen</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>Second option, not recommended: the integration flow&apos;s sender channel checks the certificate itself (Authorization = Client Certificate). Upload client.crt there or type its Subject DN and Issuer DN, then deploy the flow. Every renewal means editing and redeploying the flow.</source>
        <translation>Zweite, nicht empfohlene Möglichkeit: Der Sender-Kanal des Integrationsflusses prüft das Zertifikat selbst (Berechtigung = Client-Zertifikat). Laden Sie dort client.crt hoch oder geben Sie Subject-DN und Issuer-DN ein und deployen Sie dann den Integrationsfluss. Jede Erneuerung bedeutet Bearbeiten und erneutes Deployment des Integrationsflusses.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Neo: upload the client certificate in Certificate-to-User Mappings with a user name (any name), then give that user the sender channel&apos;s role.</source>
        <translation>Neo: Laden Sie das Client-Zertifikat in der Zertifikat-zu-Benutzer-Zuordnung mit einem Benutzernamen (beliebig) hoch und geben Sie diesem Benutzer dann die Rolle des Sender-Kanals.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cloud Foundry: a Process Integration Runtime instance (plan integration-flow) holds the roles; a service key of type External Certificate holds the leaf certificate. The key&apos;s client id becomes the user.</source>
        <translation>Cloud Foundry: Eine Instanz von Process Integration Runtime (Plan integration-flow) enthält die Rollen; ein Serviceschlüssel vom Typ External Certificate enthält das Endzertifikat. Die Client-ID des Schlüssels wird zum Benutzer.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Preparing the certificate for the integration flow…</source>
        <translation>Zertifikat für den Integrationsfluss wird vorbereitet…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Preparing the tenant entry…</source>
        <translation>Eintrag im Tenant wird vorbereitet…</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Sub&amp;ject DN to type into the sender channel:</source>
        <translation>Sub&amp;ject-DN zum Eintragen im Sender-Kanal:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Issuer DN:</source>
        <translation>Issuer-&amp;DN:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Or upload this file in the sender channel (Authorization = Client Certificate → Add → Select): %1</source>
        <translation>Oder laden Sie diese Datei im Sender-Kanal hoch (Berechtigung = Client-Zertifikat → Hinzufügen → Auswählen): %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>B&amp;ody for the mapping API (the tenant will show Id %1):</source>
        <translation>B&amp;ody für die Mapping-API (der Tenant zeigt die Id %1):</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Service key &amp;parameters (External Certificate):</source>
        <translation>Service-Schlüssel-&amp;Parameter (External Certificate):</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Certificate &amp;file to upload:</source>
        <translation>&amp;Hochzuladende Zertifikatsdatei:</translation>
    </message>
    <message>
        <location line="-217"/>
        <source>Key validity:</source>
        <translation>Gültigkeit des Schlüssels:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not set for an External Certificate service key: SAP documents a validity only for keys SAP generates; this key is valid as long as the certificate itself.</source>
        <translation>Für einen Serviceschlüssel vom Typ External Certificate nicht festgelegt: SAP dokumentiert eine Gültigkeit nur für Schlüssel, die SAP erzeugt; dieser Schlüssel gilt so lange wie das Zertifikat selbst.</translation>
    </message>
    <message>
        <location line="+219"/>
        <source>cf &amp;commands (run them in the profile folder):</source>
        <translation>cf-Be&amp;fehle (im Profilordner ausführen):</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Make the test call on the next page (Test call).</source>
        <translation>Den Testaufruf machen Sie auf der nächsten Seite (Testaufruf).</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Mapping the certificate in the sandbox…</source>
        <translation>Zertifikat wird in der Sandbox zugeordnet…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The sandbox tenant knows the certificate</source>
        <translation>Der Sandbox-Tenant kennt das Zertifikat</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mapped to user %1 with the roles %2.</source>
        <translation>Dem Benutzer %1 mit den Rollen %2 zugeordnet.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Give the management host, the API user and its password to publish.</source>
        <translation>Geben Sie Management-Host, API-Benutzer und sein Passwort an, um zu veröffentlichen.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Publishing the mapping…</source>
        <translation>Zuordnung wird veröffentlicht…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Published</source>
        <translation>Veröffentlicht</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The tenant stored the mapping with Id %1 for user %2.</source>
        <translation>Der Tenant hat die Zuordnung mit der Id %1 für den Benutzer %2 gespeichert.</translation>
    </message>
</context>
<context>
    <name>TenantPage</name>
    <message>
        <location filename="../wizard/ui/pages/tenant.py" line="+58"/>
        <source>Name the sender system (the system that will call the tenant) and paste the endpoint URL of the integration flow, or just the tenant&apos;s runtime host.</source>
        <translation>Benennen Sie das Sendersystem (das System, das den Tenant aufrufen wird) und fügen Sie die Endpunkt-URL des Integrationsflusses ein, oder nur den Runtime-Host des Tenants.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>for example ERP-PRD</source>
        <translation>zum Beispiel ERP-PRD</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Detect from the host</source>
        <translation>Am Host erkennen</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+128"/>
        <source>Neo</source>
        <translation>Neo</translation>
    </message>
    <message>
        <location line="-128"/>
        <location line="+128"/>
        <source>Cloud Foundry</source>
        <translation>Cloud Foundry</translation>
    </message>
    <message>
        <location line="-124"/>
        <source>&amp;Profile name:</source>
        <translation>&amp;Profilname:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Endpoint URL or host:</source>
        <translation>&amp;Endpunkt-URL oder Host:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>En&amp;vironment:</source>
        <translation>&amp;Umgebung:</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>This is the sandbox tenant: it runs inside this program on 127.0.0.1 and behaves like a Neo tenant, with its own demo CA. Nothing leaves this computer.</source>
        <translation>Das ist der Sandbox-Tenant: Er läuft in diesem Programm auf 127.0.0.1 und verhält sich wie ein Neo-Tenant, mit eigener Demo-CA. Nichts verlässt diesen Computer.</translation>
    </message>
    <message>
        <location line="+40"/>
        <location line="+30"/>
        <source>Give the profile a name.</source>
        <translation>Geben Sie dem Profil einen Namen.</translation>
    </message>
    <message>
        <location line="-21"/>
        <location line="+34"/>
        <source>Paste the endpoint URL or the host.</source>
        <translation>Fügen Sie die Endpunkt-URL oder den Host ein.</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Note: the host looks like %1, not %2.</source>
        <translation>Hinweis: Der Host sieht nach %1 aus, nicht nach %2.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Detected from the host: %1.</source>
        <translation>Am Host erkannt: %1.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The host does not tell; fetching the tenant&apos;s root on the next page may, or choose it here.</source>
        <translation>Der Host verrät es nicht; das Abrufen des Tenant-Roots auf der nächsten Seite vielleicht, oder wählen Sie es hier.</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Saving the profile…</source>
        <translation>Profil wird gespeichert…</translation>
    </message>
</context>
<context>
    <name>TestCallPage</name>
    <message>
        <location filename="../wizard/ui/pages/test_call.py" line="+85"/>
        <source>The wizard calls the endpoint the way the sender system will: with the key, the certificate and all intermediates, trusting the tenant&apos;s root.</source>
        <translation>Der Assistent ruft den Endpunkt so auf, wie es das Sendersystem tun wird: mit dem Schlüssel, dem Zertifikat und allen Zwischenzertifikaten, und vertraut dem Root-Zertifikat des Tenants.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Endpoint URL:</source>
        <translation>&amp;Endpunkt-URL:</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+31"/>
        <source>&amp;Call</source>
        <translation>&amp;Aufrufen</translation>
    </message>
    <message>
        <location line="-30"/>
        <source>Open an &amp;access log…</source>
        <translation>Zugriffs&amp;protokoll öffnen…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>E&amp;vidence:</source>
        <translation>&amp;Belege:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The same call with c&amp;url:</source>
        <translation>Derselbe Aufruf mit c&amp;url:</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>&amp;Retry</source>
        <translation>Wieder&amp;holen</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>Calling the endpoint…</source>
        <translation>Endpunkt wird aufgerufen…</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>The call was abandoned.</source>
        <translation>Der Aufruf wurde abgebrochen.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>SAP HTTP access log</source>
        <translation>SAP-HTTP-Zugriffsprotokoll</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Access logs (http_access_*.log *.log *.gz);;All files (*)</source>
        <translation>Zugriffsprotokolle (http_access_*.log *.log *.gz);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Reading the access log…</source>
        <translation>Zugriffsprotokoll wird gelesen…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The log has no calls to this endpoint.</source>
        <translation>Das Protokoll enthält keine Aufrufe dieses Endpunkts.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 %2 %3 → %4: %5</source>
        <translation>%1 %2 %3 → %4: %5</translation>
    </message>
</context>
<context>
    <name>TrustPage</name>
    <message>
        <location filename="../wizard/ui/pages/trust.py" line="+41"/>
        <source>the tenant root</source>
        <translation>das Root-Zertifikat des Tenants</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The sender system must trust the tenant&apos;s load balancer. The wizard reads the certificate chain the tenant presents and finds its root: that root goes into the sender&apos;s trust store.</source>
        <translation>Das Sendersystem muss dem Load Balancer des Tenants vertrauen. Der Assistent liest die Zertifikatskette, die der Tenant vorlegt, und findet ihr Root-Zertifikat: Dieses gehört in den Truststore des Senders.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Where the root goes: SAP ABAP (STRUST): SSL client PSE → Import certificate → Add to Certificate List. Java: keytool -importcert -keystore truststore.jks -file tenant-root.cer. Postman: Settings → Certificates → CA certificates → tenant-root.pem.</source>
        <translation>Wohin das Root-Zertifikat gehört: SAP ABAP (STRUST): SSL-Client-PSE → Zertifikat importieren → In Zertifikatsliste aufnehmen. Java: keytool -importcert -keystore truststore.jks -file tenant-root.cer. Postman: Settings → Certificates → CA certificates → tenant-root.pem.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Fetch the chain again</source>
        <translation>Kette erneut ab&amp;rufen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Save root as .&amp;pem…</source>
        <translation>Root als .&amp;pem speichern…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Chain presented by the tenant:</source>
        <translation>Vom Tenant vorgelegte &amp;Kette:</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Skip for now: I will get the root another way (SAP&apos;s Connectivity Test)</source>
        <translation>&amp;Vorerst überspringen: Ich besorge das Root-Zertifikat anders (Konnektivitätstest von SAP)</translation>
    </message>
    <message>
        <location line="-16"/>
        <source>Save root as .c&amp;er…</source>
        <translation>Root als .c&amp;er speichern…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Save this root &amp;anyway…</source>
        <translation>Dieses Root-Zertifikat &amp;trotzdem speichern…</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Reading the chain of %1…</source>
        <translation>Kette von %1 wird gelesen…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The tenant&apos;s chain could not be read</source>
        <translation>Die Kette des Tenants konnte nicht gelesen werden</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Go Back to correct the URL, fetch again, or tick Skip to go on without it.</source>
        <translation>Gehen Sie zurück, um die URL zu korrigieren, rufen Sie erneut ab, oder setzen Sie den Haken bei „Überspringen“, um ohne sie fortzufahren.</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>The root %1 is saved in %2 as tenant-root.cer and tenant-root.pem: it goes into the sender system&apos;s trust store.</source>
        <translation>Das Root-Zertifikat %1 ist in %2 als tenant-root.cer und tenant-root.pem gespeichert: Es gehört in den Truststore des Sendersystems.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>This chain does not come from SAP: its root is known to no public list, as when a company proxy inspects TLS and shows its own certificate. Saving it would make the sender trust the proxy, not the tenant. Nothing was saved.</source>
        <translation>Diese Kette stammt nicht von SAP: Ihr Root-Zertifikat steht auf keiner öffentlichen Liste, wie wenn ein Firmen-Proxy TLS prüft und sein eigenes Zertifikat zeigt. Es zu speichern hieße, dass der Sender dem Proxy vertraut, nicht dem Tenant. Es wurde nichts gespeichert.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This chain is not valid for the tenant&apos;s host (see above): it may come from a proxy or another server. Nothing was saved; the sender must not trust it as the tenant&apos;s root.</source>
        <translation>Diese Kette ist für den Host des Tenants nicht gültig (siehe oben): Sie kann von einem Proxy oder einem anderen Server stammen. Es wurde nichts gespeichert; der Sender darf ihr nicht als Root des Tenants vertrauen.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Save a root that did not check out?</source>
        <translation>Ein nicht bestätigtes Root-Zertifikat speichern?</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The chain of %1 did not check out. If you save its root %2, the sender system will trust whoever presented it, which may be a proxy and not SAP. Save it only when you know this server is the tenant (for example a tenant behind your own load balancer).</source>
        <translation>Die Kette von %1 wurde nicht bestätigt. Wenn Sie ihr Root-Zertifikat %2 speichern, vertraut das Sendersystem dem, der sie vorgelegt hat – das kann ein Proxy sein und nicht SAP. Speichern Sie es nur, wenn Sie wissen, dass dieser Server der Tenant ist (zum Beispiel ein Tenant hinter Ihrem eigenen Load Balancer).</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Fetching cancelled; nothing was saved.</source>
        <translation>Abruf abgebrochen; nichts wurde gespeichert.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fetch again, or tick Skip to go on without the root.</source>
        <translation>Rufen Sie erneut ab, oder setzen Sie den Haken bei „Überspringen“, um ohne Root-Zertifikat fortzufahren.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Save the tenant root</source>
        <translation>Root-Zertifikat des Tenants speichern</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificates (*%1)</source>
        <translation>Zertifikate (*%1)</translation>
    </message>
    <message>
        <location line="-24"/>
        <location line="+31"/>
        <source>Saving…</source>
        <translation>Wird gespeichert…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
</context>
<context>
    <name>VerdictBanner</name>
    <message>
        <location filename="../wizard/ui/widgets/verdict.py" line="+49"/>
        <source>Next step: </source>
        <translation>Nächster Schritt: </translation>
    </message>
</context>
<context>
    <name>WaitingPage</name>
    <message>
        <location filename="../wizard/ui/pages/waiting.py" line="+127"/>
        <source>Send the request to your CA and wait for the signed certificate. This can take days: you can close the program now. When you open it again, choose this sender system and Resume; you will come back to this page.</source>
        <translation>Senden Sie die Anforderung an Ihre CA und warten Sie auf das signierte Zertifikat. Das kann Tage dauern: Sie können das Programm jetzt schließen. Wenn Sie es wieder öffnen, wählen Sie dieses Sendersystem und „Fortsetzen“; Sie kommen dann auf diese Seite zurück.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Certificate &amp;request (CSR):</source>
        <translation>Zertifikatsan&amp;forderung (CSR):</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Ask for: a client authentication certificate (Extended Key Usage clientAuth), with the whole chain (intermediates), from a CA whose root is on SAP&apos;s list. Any file format the CA sends is fine: .cer, .crt, .pem, .p7b.</source>
        <translation>Verlangen Sie: ein Zertifikat für die Client-Authentifizierung (Extended Key Usage clientAuth), mit der ganzen Kette (Zwischenzertifikate), von einer CA, deren Root-Zertifikat auf der SAP-Liste steht. Jedes Dateiformat, das die CA schickt, ist recht: .cer, .crt, .pem, .p7b.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Open the profile folder</source>
        <translation>Profil&amp;ordner öffnen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Sign with the sandbox CA</source>
        <translation>Mit der Sandbox-CA &amp;signieren</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Or have SAP sign it</source>
        <translation>Oder von SAP signieren lassen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP&apos;s Destination service (SAP BTP, Cloud Foundry) signs this request under SAP Cloud Root CA, with client authentication. You need a service key of a Destination service instance (plan lite), downloaded as a .json file from the BTP cockpit.</source>
        <translation>Der Destination-Service von SAP (SAP BTP, Cloud Foundry) signiert diese Anforderung unter SAP Cloud Root CA, mit Client-Authentifizierung. Sie benötigen einen Serviceschlüssel einer Destination-Service-Instanz (Plan lite), als .json-Datei aus dem BTP Cockpit heruntergeladen.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Destination service &amp;key:</source>
        <translation>Ser&amp;viceschlüssel (Destination-Service):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The service key file (.json)</source>
        <translation>Die Datei des Serviceschlüssels (.json)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>C&amp;hoose…</source>
        <translation>Wä&amp;hlen…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Validity:</source>
        <translation>&amp;Gültigkeit:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Validity unit</source>
        <translation>Einheit der Gültigkeit</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>(1 day to 1 year)</source>
        <translation>(1 Tag bis 1 Jahr)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Let SAP renew it &amp;automatically</source>
        <translation>Von SAP a&amp;utomatisch erneuern lassen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Before anything is sent:</source>
        <translation>Bevor etwas gesendet wird:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Have SAP si&amp;gn it</source>
        <translation>Von SAP signieren &amp;lassen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Re&amp;place SAP&apos;s certificate of that name</source>
        <translation>SAP-Zertifikat dieses Namens &amp;ersetzen</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>The request is %1.</source>
        <translation>Die Anforderung ist %1.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Reading the request…</source>
        <translation>Anforderung wird gelesen…</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>The sandbox CA is signing…</source>
        <translation>Die Sandbox-CA signiert…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The sandbox CA answered</source>
        <translation>Die Sandbox-CA hat geantwortet</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Its reply is %1 (leaf and intermediate, PKCS#7). On the next step, Import and check reads it.</source>
        <translation>Ihre Antwort ist %1 (Leaf und Zwischenzertifikat, PKCS#7). Im nächsten Schritt liest „Importieren und prüfen“ sie ein.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Destination service key</source>
        <translation>Serviceschlüssel des Destination-Service</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Service keys (*.json);;All files (*)</source>
        <translation>Serviceschlüssel (*.json);;Alle Dateien (*)</translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source>day(s)</source>
        <comment>validity unit</comment>
        <translation>
            <numerusform>Tag</numerusform>
            <numerusform>Tage</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>month(s)</source>
        <comment>validity unit</comment>
        <translation>
            <numerusform>Monat</numerusform>
            <numerusform>Monate</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>year(s)</source>
        <comment>validity unit</comment>
        <translation>
            <numerusform>Jahr</numerusform>
            <numerusform>Jahre</numerusform>
        </translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Connecting to SAP…</source>
        <translation>Verbindung zu SAP wird hergestellt…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>SAP is signing the request…</source>
        <translation>SAP signiert die Anforderung…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>on</source>
        <translation>ein</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Issued to: %1</source>
        <translation>Ausgestellt für: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Issued by: %1</source>
        <translation>Ausgestellt von: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Valid until: %1</source>
        <translation>Gültig bis: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Automatic renewal by SAP: %1</source>
        <translation>Automatische Erneuerung durch SAP: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SHA-256: %1</source>
        <translation>SHA-256: %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>SAP signed the request</source>
        <translation>SAP hat die Anforderung signiert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The certificate and its chain are stored in the profile. Next shows them.</source>
        <translation>Das Zertifikat und seine Kette sind im Profil gespeichert. „Weiter“ zeigt sie an.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>SAP&apos;s certificate was not imported; the profile is unchanged. Each problem and its fix is listed below.</source>
        <translation>Das Zertifikat von SAP wurde nicht importiert; das Profil ist unverändert. Jedes Problem und seine Lösung stehen unten.</translation>
    </message>
</context>
<context>
    <name>accesslog</name>
    <message>
        <location filename="../wizard/core/accesslog.py" line="+192"/>
        <source>{text!r} is not a time this command understands. Use an ISO date or time (2021-04-12 or 2021-04-12T10:30, UTC unless it names a zone), a log timestamp (12/Apr/2021:10:30:00 +0000) or a span back from now (30m, 2h, 7d).</source>
        <translation>{text!r} ist keine Zeitangabe, die dieser Befehl versteht. Geben Sie ein ISO-Datum oder eine ISO-Uhrzeit (2021-04-12 oder 2021-04-12T10:30, UTC, sofern keine Zone angegeben ist), einen Log-Zeitstempel (12/Apr/2021:10:30:00 +0000) oder eine Zeitspanne zurück ab jetzt (30m, 2h, 7d) an.</translation>
    </message>
    <message>
        <location line="+103"/>
        <source>an http_access_*.log file</source>
        <translation>eine http_access_*.log-Datei</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>not an access log: none of its lines has the shape of an http_access_*.log line</source>
        <translation>keine Zugriffsprotokolldatei: keine ihrer Zeilen hat die Form einer http_access_*.log-Zeile</translation>
    </message>
</context>
<context>
    <name>aia</name>
    <message>
        <location filename="../wizard/core/aia.py" line="+55"/>
        <source>the AIA address {url} sent more than {size} KB, which is not an issuer certificate</source>
        <translation>die AIA-Adresse {url} hat mehr als {size} KB gesendet, was kein Zertifikat einer ausstellenden Stelle ist</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>the AIA address {url} did not answer within {timeout:g} s</source>
        <translation>die AIA-Adresse {url} hat nicht innerhalb von {timeout:g} s geantwortet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the AIA address {url} answered HTTP {status}</source>
        <translation>die AIA-Adresse {url} hat mit HTTP {status} geantwortet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the AIA address {url} could not be fetched ({reason})</source>
        <translation>die AIA-Adresse {url} konnte nicht abgerufen werden ({reason})</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the AIA address {url} sent no valid answer ({reason})</source>
        <translation>die AIA-Adresse {url} hat keine gültige Antwort gesendet ({reason})</translation>
    </message>
</context>
<context>
    <name>analyze_log</name>
    <message>
        <location filename="../wizard/commands/analyze_log.py" line="+74"/>
        <source>{text!r} is not a span; give seconds, minutes or hours like 90s, 5m or 1h.</source>
        <translation>{text!r} ist keine Zeitspanne; geben Sie Sekunden, Minuten oder Stunden an, etwa 90s, 5m oder 1h.</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>--around last-test needs --profile (whose last test call counts).</source>
        <translation>--around last-test braucht --profile (dessen letzter Testaufruf zählt).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Profile {profile!r} has no test call yet. Run cpi-cert-wizard test-call --profile {name}, or give the time: --around 2021-04-12T10:30.</source>
        <translation>Profil {profile!r} hat noch keinen Testaufruf. Führen Sie cpi-cert-wizard test-call --profile {name} aus, oder geben Sie die Zeit an: --around 2021-04-12T10:30.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Profile {profile!r} has no certificate with a common name yet, so its calls cannot be recognised in a log. Import the certificate first, or filter with --path and --since instead.</source>
        <translation>Profil {profile!r} hat noch kein Zertifikat mit einem Common Name, daher lassen sich seine Aufrufe in einem Protokoll nicht erkennen. Importieren Sie zuerst das Zertifikat, oder filtern Sie stattdessen mit --path und --since.</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>{file} is not an SAP HTTP access log: none of its {lines} lines has the shape of an http_access_&lt;node&gt;_&lt;date&gt;.log line. Download the log from Monitor → System Log Files (a default trace is an ljs_trace_*.log file).</source>
        <translation>{file} ist kein SAP-HTTP-Zugriffsprotokoll: keine seiner {lines} Zeilen hat die Form einer http_access_&lt;node&gt;_&lt;date&gt;.log-Zeile. Laden Sie das Protokoll unter Monitor → System Log Files herunter (ein Default-Trace ist eine ljs_trace_*.log-Datei).</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>path {path}</source>
        <translation>Pfad {path}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>since {time}</source>
        <translation>seit {time}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>user {users}</source>
        <translation>Benutzer {users}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> or </source>
        <translation> oder </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>all calls</source>
        <translation>alle Aufrufe</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Fix: {fix}</source>
        <translation>Abhilfe: {fix}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{title} ({file} line {line})</source>
        <translation>{title} ({file}, Zeile {line})</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Default trace: {files} ({nodes}): {records} records, {unreadable} skipped.</source>
        <translation>Standard-Trace: {files} ({nodes}): {records} Einträge, {unreadable} übersprungen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+54"/>
        <source>%n file(s)</source>
        <translation>%n Datei(en)</translation>
    </message>
    <message>
        <location line="-53"/>
        <location line="+54"/>
        <source>%n node(s)</source>
        <translation>%n Knoten</translation>
    </message>
    <message>
        <location line="-52"/>
        <source>%n unreadable line(s)</source>
        <translation>%n unlesbare Zeile(n)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>  {file}: node {node}, {records} records</source>
        <translation>  {file}: Knoten {node}, {records} Einträge</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>, {count} unreadable</source>
        <translation>, {count} unlesbar</translation>
    </message>
    <message>
        <location line="+7"/>
        <source> between {start} and {end}</source>
        <translation> zwischen {start} und {end}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Authentication and authorization errors{window}: {count}</source>
        <translation>Authentifizierungs- und Berechtigungsfehler{window}: {count}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>  ({count} shown with their calls above)</source>
        <translation>  ({count} oben bei ihren Aufrufen gezeigt)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Refused calls answered by nodes without a trace file here:</source>
        <translation>Abgelehnte Aufrufe, beantwortet von Knoten, deren Trace-Datei hier fehlt:</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Read {files} ({nodes}): {calls} calls, {malformed} skipped.</source>
        <translation>{files} ({nodes}) gelesen: {calls} Aufrufe, {malformed} übersprungen.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%n malformed line(s)</source>
        <translation>%n fehlerhafte Zeile(n)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>  {file}: node {node}, {calls} calls</source>
        <translation>  {file}: Knoten {node}, {calls} Aufrufe</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>, {count} malformed</source>
        <translation>, {count} fehlerhaft</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Matching ({filter}): {count}</source>
        <translation>Treffer ({filter}): {count}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>(the last {count} are listed; --json gives all)</source>
        <translation>(die letzten {count} sind aufgeführt; --json liefert alle)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>user {user}</source>
        <translation>Benutzer {user}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>    trace {file} line {line}: </source>
        <translation>    Trace {file}, Zeile {line}: </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Summary:</source>
        <translation>Zusammenfassung:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>      Next: {step}</source>
        <translation>      Weiter: {step}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Also %n call(s) in the same window arrived with no credentials at all (user &apos;-&apos;, 401). They cannot be told apart by user; if your sender made them, its certificate was not forwarded (chain incomplete, root not on SAP&apos;s list, or self-signed).</source>
        <translation>Außerdem kamen %n Aufruf(e) im selben Zeitfenster ganz ohne Anmeldedaten an (Benutzer &apos;-&apos;, 401). Sie lassen sich nicht nach Benutzer unterscheiden; falls Ihr Sender sie geschickt hat, wurde sein Zertifikat nicht weitergeleitet (Kette unvollständig, Root-Zertifikat nicht auf der SAP-Liste oder selbstsigniert).</translation>
    </message>
</context>
<context>
    <name>batch</name>
    <message>
        <location filename="../wizard/commands/batch.py" line="+168"/>
        <source>Send the requests (the folder or requests.zip) to the CA, then run: cpi-cert-wizard batch import REPLY-FOLDER</source>
        <translation>Senden Sie die Anforderungen (den Ordner oder requests.zip) an die CA, und führen Sie dann aus: cpi-cert-wizard batch import ANTWORT-ORDNER</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Next: cpi-cert-wizard batch export, then batch mapping</source>
        <translation>Weiter: cpi-cert-wizard batch export, danach batch mapping</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Passwords: cpi-cert-wizard secret show --profile NAME p12</source>
        <translation>Passwörter: cpi-cert-wizard secret show --profile NAME p12</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Per profile: {out}/&lt;profile&gt;/; all entries: {out}/tenant-entries.json</source>
        <translation>Pro Profil: {out}/&lt;Profil&gt;/; alle Einträge: {out}/tenant-entries.json</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Details of one call: cpi-cert-wizard test-call --profile NAME</source>
        <translation>Details zu einem Aufruf: cpi-cert-wizard test-call --profile NAME</translation>
    </message>
    <message>
        <location filename="../wizard/commands/render.py" line="+128"/>
        <source>(nothing to do)</source>
        <translation>(nichts zu tun)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{count} failed: see their lines above; the others are done.</source>
        <translation>{count} fehlgeschlagen: siehe die Zeilen oben; die übrigen sind erledigt.</translation>
    </message>
    <message>
        <location filename="../wizard/core/systems_csv.py" line="+79"/>
        <source>a CSV of sender systems</source>
        <translation>eine CSV-Datei mit Sendersystemen</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{file}, line {line}: {problem}</source>
        <translation>{file}, Zeile {line}: {problem}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>the file is UTF-16 (&apos;Unicode text&apos;). Save it as &apos;CSV UTF-8&apos; (Excel) or as UTF-8 text.</source>
        <translation>die Datei ist UTF-16 (&apos;Unicode-Text&apos;). Speichern Sie sie als &apos;CSV UTF-8&apos; (Excel) oder als UTF-8-Text.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>byte {byte} is not UTF-8 (the file is probably in a Windows code page). Save it as &apos;CSV UTF-8&apos; (Excel) or as UTF-8 text.</source>
        <translation>Byte {byte} ist kein UTF-8 (die Datei ist vermutlich in einer Windows-Codepage). Speichern Sie sie als &apos;CSV UTF-8&apos; (Excel) oder als UTF-8-Text.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>contains a NUL byte: this is not a text CSV file.</source>
        <translation>enthält ein NUL-Byte: Dies ist keine CSV-Textdatei.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>an empty name</source>
        <translation>einen leeren Namen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the header names column {column}, which is not one of: {known}. The first line must name the columns (profile and cn are required).</source>
        <translation>die Kopfzeile nennt die Spalte {column}, die keine von diesen ist: {known}. Die erste Zeile muss die Spalten nennen (profile und cn sind erforderlich).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>the header names column {column!r} twice.</source>
        <translation>die Kopfzeile nennt die Spalte {column!r} zweimal.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the header has no column {columns}; the first line must name the columns, for example: profile;cn;o;c;env;url (known: {known}).</source>
        <translation>der Kopfzeile fehlt die Spalte {columns}; die erste Zeile muss die Spalten nennen, zum Beispiel: profile;cn;o;c;env;url (bekannt: {known}).</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>env {env!r} is neither neo nor cf.</source>
        <translation>env {env!r} ist weder neo noch cf.</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>the file is empty. The first line must name the columns: profile;cn;…</source>
        <translation>die Datei ist leer. Die erste Zeile muss die Spalten nennen: profile;cn;…</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>{fields} fields but the header names {columns}: a value holds the separator {separator!r}? Put such a value in double quotes.</source>
        <translation>{fields} Felder, aber die Kopfzeile nennt {columns}: Enthält ein Wert das Trennzeichen {separator!r}? Setzen Sie einen solchen Wert in doppelte Anführungszeichen.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>profile {profile} is on line {line} already; list each system once.</source>
        <translation>Profil {profile} steht bereits in Zeile {line}; führen Sie jedes System nur einmal auf.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>unreadable CSV ({problem}); rows after it skipped.</source>
        <translation>unlesbare CSV ({problem}); die Zeilen danach wurden übersprungen.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>there is no header line naming the columns (profile;cn;…).</source>
        <translation>es gibt keine Kopfzeile, die die Spalten nennt (profile;cn;…).</translation>
    </message>
    <message>
        <location filename="../wizard/core/batch.py" line="+201"/>
        <source>--out {out} is a file; give a folder for the requests.</source>
        <translation>--out {out} ist eine Datei; geben Sie einen Ordner für die Anforderungen an.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>key passphrases of {count} sender systems (batch csr, {day})</source>
        <translation>Schlüssel-Passphrasen von {count} Sendersystemen (batch csr, {day})</translation>
    </message>
    <message>
        <location line="+136"/>
        <source>a certificate file</source>
        <translation>eine Zertifikatsdatei</translation>
    </message>
    <message>
        <location line="+96"/>
        <source>none yet</source>
        <translation>noch keine</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No profile matches {pattern!r} (profiles: {known}). Patterns use * and ?, for example --profiles &apos;ERP-*&apos;.</source>
        <translation>Kein Profil passt zu {pattern!r} (Profile: {known}). Muster verwenden * und ?, zum Beispiel --profiles &apos;ERP-*&apos;.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>There are no profiles in {folder} yet. Start with: cpi-cert-wizard batch csr --from systems.csv</source>
        <translation>In {folder} gibt es noch keine Profile. Beginnen Sie mit: cpi-cert-wizard batch csr --from systems.csv</translation>
    </message>
    <message>
        <location line="+80"/>
        <location line="+108"/>
        <source>--out {out} is a file; give a folder.</source>
        <translation>--out {out} ist eine Datei; geben Sie einen Ordner an.</translation>
    </message>
    <message>
        <location line="-102"/>
        <source>PKCS#12 passwords of {count} sender systems (batch export, {day})</source>
        <translation>PKCS#12-Passwörter von {count} Sendersystemen (batch export, {day})</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>{file} holds this certificate already, written with the same options.</source>
        <translation>{file} enthält dieses Zertifikat bereits, mit denselben Optionen geschrieben.</translation>
    </message>
    <message>
        <location line="+154"/>
        <source>--concurrency must be between 1 and {most}, not {given}.</source>
        <translation>--concurrency muss zwischen 1 und {most} liegen, nicht {given}.</translation>
    </message>
</context>
<context>
    <name>ca_enroll</name>
    <message>
        <location filename="../wizard/commands/ca_enroll.py" line="+95"/>
        <source>AD CS web enrollment signs in with negotiate, ntlm or basic; a client certificate (--auth certificate) is for EST.</source>
        <translation>Die AD-CS-Webregistrierung meldet sich mit negotiate, ntlm oder basic an; ein Client-Zertifikat (--auth certificate) gilt für EST.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Name the CA: --adcs URL --template NAME (AD CS web enrollment) or --est URL (EST). Profile {name!r} has no CA settings yet.</source>
        <translation>Geben Sie die CA an: --adcs URL --template NAME (AD-CS-Webregistrierung) oder --est URL (EST). Profil {name!r} hat noch keine CA-Einstellungen.</translation>
    </message>
    <message>
        <location line="+28"/>
        <location filename="../wizard/core/ca_enroll/transport.py" line="+342"/>
        <source>Sign-in with {auth} needs a user name (--user DOMAIN\name); the password is asked for and kept in the keyring.</source>
        <translation>Die Anmeldung mit {auth} braucht einen Benutzernamen (--user DOMÄNE\name); das Passwort wird abgefragt und im Schlüsselbund gespeichert.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Password of {user} at the CA: </source>
        <translation>Passwort von {user} bei der CA: </translation>
    </message>
    <message>
        <location line="+20"/>
        <source>--check asks the CA the request was sent to (kept in the profile); leave out --adcs/--est.</source>
        <translation>--check fragt die CA, an die die Anforderung gesendet wurde (im Profil gespeichert); lassen Sie --adcs/--est weg.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>The CA&apos;s request page lists no templates for you; ask the CA administrators for the template name and give it with --template.</source>
        <translation>Die Anforderungsseite der CA nennt Ihnen keine Vorlagen; fragen Sie die CA-Administratoren nach dem Vorlagennamen und geben Sie ihn mit --template an.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Templates the CA offers you:</source>
        <translation>Vorlagen, die die CA Ihnen anbietet:</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Still waiting: the request of profile {profile} is {note}.</source>
        <translation>Weiterhin warten: Die Anforderung von Profil {profile} ist {note}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The CA keeps the request of profile {profile} pending: an administrator must approve it ({note}).</source>
        <translation>Die CA hält die Anforderung von Profil {profile} zurück: Ein Administrator muss sie genehmigen ({note}).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The CA asks to wait until {when} UTC.</source>
        <translation>Die CA bittet, bis {when} UTC zu warten.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Collect it later (also after a restart, days later): {command}</source>
        <translation>Holen Sie es später ab (auch nach einem Neustart, Tage später): {command}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The CA at {url} issued the certificate (request {id}).</source>
        <translation>Die CA unter {url} hat das Zertifikat ausgestellt (Anforderung {id}).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The CA at {url} issued the certificate.</source>
        <translation>Die CA unter {url} hat das Zertifikat ausgestellt.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Next: {command}</source>
        <translation>Weiter: {command}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Password: {where}.</source>
        <translation>Passwort: {where}.</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>--enroll needs the CA: --adcs URL --template NAME (AD CS web enrollment) or --est URL (EST).</source>
        <translation>--enroll braucht die CA: --adcs URL --template NAME (AD-CS-Webregistrierung) oder --est URL (EST).</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Requests waiting at the CA: run the same command again later (or cpi-cert-wizard ca-enroll --profile NAME --check); then cpi-cert-wizard batch export.</source>
        <translation>Bei der CA wartende Anforderungen: Führen Sie denselben Befehl später erneut aus (oder cpi-cert-wizard ca-enroll --profile NAME --check); danach cpi-cert-wizard batch export.</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/adcs.py" line="+38"/>
        <source>The CA does not offer this certificate template: check the template&apos;s name (its short name, without spaces) or ask the CA administrators to publish it on this CA.</source>
        <translation>Die CA bietet diese Zertifikatvorlage nicht an: Prüfen Sie den Namen der Vorlage (ihren Kurznamen, ohne Leerzeichen) oder bitten Sie die CA-Administratoren, sie auf dieser CA zu veröffentlichen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The request named no certificate template: give one with --template.</source>
        <translation>Die Anforderung nannte keine Zertifikatvorlage: Geben Sie eine mit --template an.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Your account may not enroll for this template: ask the CA administrators for the Enroll permission on it, or use the template they name for SAP client certificates.</source>
        <translation>Ihr Konto darf sich für diese Vorlage nicht registrieren: Bitten Sie die CA-Administratoren um die Berechtigung „Registrieren“ dafür, oder verwenden Sie die Vorlage, die sie für SAP-Client-Zertifikate nennen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The template builds the subject from Active Directory and needs a DNS name there: use a template where the subject is supplied in the request.</source>
        <translation>Die Vorlage bildet den Antragsteller aus dem Active Directory und braucht dort einen DNS-Namen: Verwenden Sie eine Vorlage, bei der der Antragsteller in der Anforderung angegeben wird.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The template wants an e-mail address from Active Directory: use a template where the subject is supplied in the request.</source>
        <translation>Die Vorlage verlangt eine E-Mail-Adresse aus dem Active Directory: Verwenden Sie eine Vorlage, bei der der Antragsteller in der Anforderung angegeben wird.</translation>
    </message>
    <message>
        <location line="+116"/>
        <source>{host} refused the sign-in for {what} (HTTP 401). Check the user name and password (or your Kerberos ticket) and that this account may use the CA&apos;s web enrollment; the profile is unchanged.</source>
        <translation>{host} hat die Anmeldung für {what} abgelehnt (HTTP 401). Prüfen Sie Benutzername und Passwort (oder Ihr Kerberos-Ticket) und ob dieses Konto die Webregistrierung der CA verwenden darf; das Profil ist unverändert.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{host} refused {what} (HTTP 403): this account may not use the CA&apos;s web enrollment. Ask the CA administrators; the profile is unchanged.</source>
        <translation>{host} hat {what} abgelehnt (HTTP 403): Dieses Konto darf die Webregistrierung der CA nicht verwenden. Fragen Sie die CA-Administratoren; das Profil ist unverändert.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{host} answered {what} with a redirect to {location} (HTTP {status}), usually a sign-in portal in front of the CA. Give the CA&apos;s own web enrollment address (…/certsrv), reachable without a portal.</source>
        <translation>{host} hat auf {what} mit einer Umleitung nach {location} geantwortet (HTTP {status}), meist ein Anmeldeportal vor der CA. Geben Sie die eigene Webregistrierungsadresse der CA (…/certsrv) an, die ohne Portal erreichbar ist.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>{url} does not exist (HTTP 404): this is not an AD CS web enrollment address. It ends in /certsrv, for example https://ca.example.com/certsrv.</source>
        <translation>{url} existiert nicht (HTTP 404): Das ist keine AD-CS-Webregistrierungsadresse. Sie endet auf /certsrv, zum Beispiel https://ca.example.com/certsrv.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{host} failed on {what} (HTTP {status}).</source>
        <translation>{host} ist bei {what} gescheitert (HTTP {status}).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>no title</source>
        <translation>kein Titel</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{url} answered {what} with a web page (&apos;{title}&apos;) instead of a certificate, usually a sign-in page of a proxy or portal in front of the CA. Check the CA&apos;s address and the sign-in method; the profile is unchanged.</source>
        <translation>{url} hat auf {what} mit einer Webseite (&apos;{title}&apos;) statt eines Zertifikats geantwortet, meist die Anmeldeseite eines Proxys oder Portals vor der CA. Prüfen Sie die Adresse der CA und die Anmeldemethode; das Profil ist unverändert.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>the certificate request</source>
        <translation>die Zertifikatsanforderung</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>{url} answered {what} with a page the wizard does not recognise as AD CS web enrollment (&apos;{title}&apos;). Check that the address is the CA&apos;s /certsrv; the profile is unchanged.</source>
        <translation>{url} hat auf {what} mit einer Seite geantwortet, die der Assistent nicht als AD-CS-Webregistrierung erkennt (&apos;{title}&apos;). Prüfen Sie, ob die Adresse das /certsrv der CA ist; das Profil ist unverändert.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>request {id}</source>
        <translation>Anforderung {id}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>the certificate of request {id}</source>
        <translation>das Zertifikat der Anforderung {id}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The CA has not issued request {id}: {reason}.</source>
        <translation>Die CA hat die Anforderung {id} nicht ausgestellt: {reason}.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the CA&apos;s answer to request {id} ({url})</source>
        <translation>die Antwort der CA auf Anforderung {id} ({url})</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the list of certificate templates</source>
        <translation>die Liste der Zertifikatvorlagen</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/enroll.py" line="+121"/>
        <source>AD CS needs the certificate template: --template NAME (its short name, as the CA administrators publish it for client certificates; &apos;ca-enroll --adcs URL --list-templates&apos; shows the ones the CA offers you).</source>
        <translation>AD CS braucht die Zertifikatvorlage: --template NAME (ihr Kurzname, wie die CA-Administratoren sie für Client-Zertifikate veröffentlichen; &apos;ca-enroll --adcs URL --list-templates&apos; zeigt die, die die CA Ihnen anbietet).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>EST signs in with a user name and password (--auth basic --user NAME) or a client certificate (--client-profile P); not with {auth}.</source>
        <translation>EST meldet sich mit Benutzername und Passwort (--auth basic --user NAME) oder einem Client-Zertifikat (--client-profile P) an, nicht mit {auth}.</translation>
    </message>
    <message>
        <location line="+10"/>
        <location filename="../wizard/core/ca_enroll/transport.py" line="-214"/>
        <source>{url!r} is not an https URL. The CA&apos;s address starts with https:// (for AD CS for example https://ca.example.com/certsrv); credentials and requests only travel over TLS.</source>
        <translation>{url!r} ist keine https-URL. Die Adresse der CA beginnt mit https:// (für AD CS zum Beispiel https://ca.example.com/certsrv); Anmeldedaten und Anforderungen werden nur über TLS übertragen.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>The EST server&apos;s CA certificates (checked before sending):</source>
        <translation>Die CA-Zertifikate des EST-Servers (vor dem Senden geprüft):</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>  {subject}, valid until {date}, SHA-256 {sha256}</source>
        <translation>  {subject}, gültig bis {date}, SHA-256 {sha256}</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Profile {name!r} has no certificate request to send to the CA. Create one first: cpi-cert-wizard csr --profile {name} --cn …</source>
        <translation>Profil {name!r} hat keine Zertifikatsanforderung, die an die CA gesendet werden kann. Erstellen Sie zuerst eine: cpi-cert-wizard csr --profile {name} --cn …</translation>
    </message>
    <message>
        <location line="+24"/>
        <location line="+9"/>
        <source>the keyring ({keyring})</source>
        <translation>der Schlüsselbund ({keyring})</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>not stored (no keyring): you will be asked again</source>
        <translation>nicht gespeichert (kein Schlüsselbund): Sie werden erneut gefragt</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>not stored ({reason})</source>
        <translation>nicht gespeichert ({reason})</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Profile {name!r} has no certificate to sign in to the EST server with. Enroll first (ca-enroll --est URL with --auth basic), or import its certificate.</source>
        <translation>Profil {name!r} hat kein Zertifikat, mit dem es sich am EST-Server anmelden kann. Registrieren Sie es zuerst (ca-enroll --est URL mit --auth basic) oder importieren Sie sein Zertifikat.</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>The certificate the CA at {url} issued (request {id})</source>
        <translation>Das Zertifikat, das die CA unter {url} ausgestellt hat (Anforderung {id})</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The certificate the CA at {url} issued</source>
        <translation>Das Zertifikat, das die CA unter {url} ausgestellt hat</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Nothing was imported; the profile is unchanged. Once the cause is fixed, fetch it again with: cpi-cert-wizard ca-enroll --profile {name} --check</source>
        <translation>Es wurde nichts importiert; das Profil ist unverändert. Sobald die Ursache behoben ist, holen Sie es erneut mit: cpi-cert-wizard ca-enroll --profile {name} --check</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Nothing was imported; the profile is unchanged. The CA keeps the certificate as request {id}: once the cause is fixed, download {url} and import it with cpi-cert-wizard import-reply --profile {name} FILE</source>
        <translation>Es wurde nichts importiert; das Profil ist unverändert. Die CA bewahrt das Zertifikat als Anforderung {id} auf: Sobald die Ursache behoben ist, laden Sie {url} herunter und importieren Sie es mit cpi-cert-wizard import-reply --profile {name} DATEI</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Nothing was imported; the profile is unchanged. Once the cause is fixed, send the request again: cpi-cert-wizard ca-enroll --profile {name}</source>
        <translation>Es wurde nichts importiert; das Profil ist unverändert. Sobald die Ursache behoben ist, senden Sie die Anforderung erneut: cpi-cert-wizard ca-enroll --profile {name}</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>The key of profile {name!r} was replaced while the CA was being asked; the CA&apos;s answer belongs to the old request. Send the new one.</source>
        <translation>Der Schlüssel von Profil {name!r} wurde ersetzt, während die CA gefragt wurde; die Antwort der CA gehört zur alten Anforderung. Senden Sie die neue.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>it gave no reason</source>
        <translation>sie hat keinen Grund genannt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The CA at {url} denied request {id}: {reason}</source>
        <translation>Die CA unter {url} hat die Anforderung {id} abgelehnt: {reason}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The CA at {url} denied the request: {reason}</source>
        <translation>Die CA unter {url} hat die Anforderung abgelehnt: {reason}</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>This request of profile {name!r} is already {note}. Collect it with: cpi-cert-wizard ca-enroll --profile {name} --check</source>
        <translation>Diese Anforderung von Profil {name!r} ist bereits {note}. Holen Sie sie ab mit: cpi-cert-wizard ca-enroll --profile {name} --check</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Sending the CSR to {url} (template {template}) …</source>
        <translation>Der CSR wird an {url} gesendet (Vorlage {template}) …</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The CA at {url} keeps the request pending but its page shows no request id, so it cannot be collected later. Ask the CA administrators for it.</source>
        <translation>Die CA unter {url} hält die Anforderung zurück, aber ihre Seite zeigt keine Anforderungs-ID, daher kann sie später nicht abgeholt werden. Fragen Sie die CA-Administratoren danach.</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Fetching the certificate of request {id} …</source>
        <translation>Das Zertifikat der Anforderung {id} wird abgeholt …</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+47"/>
        <source>Checking the chain …</source>
        <translation>Die Kette wird geprüft …</translation>
    </message>
    <message>
        <location line="-24"/>
        <source>Reading the CA certificates from {url} …</source>
        <translation>Die CA-Zertifikate werden von {url} gelesen …</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Sending the CSR to {url} ({operation}) …</source>
        <translation>Der CSR wird an {url} gesendet ({operation}) …</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Profile {name!r} has no request waiting at a CA. Send its CSR with: cpi-cert-wizard ca-enroll --profile {name} --adcs URL --template NAME (or --est URL)</source>
        <translation>Profil {name!r} hat keine Anforderung, die bei einer CA wartet. Senden Sie seinen CSR mit: cpi-cert-wizard ca-enroll --profile {name} --adcs URL --template NAME (oder --est URL)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The request waiting at the CA belongs to an earlier key of profile {name!r}; the profile now has a new CSR. Send the new one (without --check).</source>
        <translation>Die bei der CA wartende Anforderung gehört zu einem früheren Schlüssel von Profil {name!r}; das Profil hat jetzt einen neuen CSR. Senden Sie den neuen (ohne --check).</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Asking {url} about request {id} …</source>
        <translation>{url} wird nach Anforderung {id} gefragt …</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/est.py" line="+61"/>
        <source>{url} answered {what} with {type}, not {expected} (RFC 7030). Check that the address is the EST service (it ends in /.well-known/est).</source>
        <translation>{url} hat auf {what} mit {type} statt {expected} geantwortet (RFC 7030). Prüfen Sie, ob die Adresse der EST-Dienst ist (sie endet auf /.well-known/est).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>no content type</source>
        <translation>kein Inhaltstyp</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{url} answered {what} with {type} that is not base64 of a PKCS#7 with certificates.</source>
        <translation>{url} hat auf {what} mit {type} geantwortet, das kein Base64 eines PKCS#7 mit Zertifikaten ist.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The server said: {text}</source>
        <translation>Der Server sagte: {text}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The EST server {host} refused the sign-in for {what} (HTTP 401).{said} Check the user name and password, or the client certificate; the profile is unchanged.</source>
        <translation>Der EST-Server {host} hat die Anmeldung für {what} abgelehnt (HTTP 401).{said} Prüfen Sie Benutzername und Passwort oder das Client-Zertifikat; das Profil ist unverändert.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{url} does not exist (HTTP 404): check the EST address and the CA label (--est-label).</source>
        <translation>{url} existiert nicht (HTTP 404): Prüfen Sie die EST-Adresse und das CA-Label (--est-label).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{host} answered {what} with a redirect to {location} (HTTP {status}). Give the EST service&apos;s own address.</source>
        <translation>{host} hat auf {what} mit einer Umleitung nach {location} geantwortet (HTTP {status}). Geben Sie die eigene Adresse des EST-Dienstes an.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The EST server {host} refused {what} (HTTP {status}).{said}</source>
        <translation>Der EST-Server {host} hat {what} abgelehnt (HTTP {status}).{said}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the CA certificates (cacerts)</source>
        <translation>die CA-Zertifikate (cacerts)</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>{url} sent no CA certificates.</source>
        <translation>{url} hat keine CA-Zertifikate gesendet.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The CA certificate &apos;{subject}&apos; from {url} is not valid now (valid {start} to {end}): certificates it signs would be refused. Nothing was sent; tell the CA administrators.</source>
        <translation>Das CA-Zertifikat &apos;{subject}&apos; von {url} ist derzeit nicht gültig (gültig {start} bis {end}): Von ihm signierte Zertifikate würden abgelehnt. Es wurde nichts gesendet; informieren Sie die CA-Administratoren.</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>the certificate request ({operation})</source>
        <translation>die Zertifikatsanforderung ({operation})</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/pending.py" line="+21"/>
        <source>pending at the CA since {when} (request {id})</source>
        <translation>seit {when} bei der CA ausstehend (Anforderung {id})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>pending at the CA since {when}</source>
        <translation>seit {when} bei der CA ausstehend</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/transport.py" line="+24"/>
        <source>The client certificate {file} cannot be used for TLS ({reason}).</source>
        <translation>Das Client-Zertifikat {file} kann nicht für TLS verwendet werden ({reason}).</translation>
    </message>
    <message>
        <location line="+68"/>
        <source>{host} closed the connection without an answer.</source>
        <translation>{host} hat die Verbindung ohne Antwort geschlossen.</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>{host} does not offer {scheme} sign-in (it offers: {offers}). Choose one it offers with --auth {choice}.</source>
        <translation>{host} bietet keine Anmeldung mit {scheme} an (angeboten: {offers}). Wählen Sie eine angebotene mit --auth {choice}.</translation>
    </message>
    <message>
        <location line="+101"/>
        <source>This installation has no Negotiate/NTLM support (the Python package pyspnego is missing). Use --auth basic, or install pyspnego.</source>
        <translation>Diese Installation unterstützt Negotiate/NTLM nicht (das Python-Paket pyspnego fehlt). Verwenden Sie --auth basic oder installieren Sie pyspnego.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>This installation cannot use Kerberos (the Python package gssapi is missing; install cpi-cert-wizard with its &apos;kerberos&apos; extra, which needs the system&apos;s Kerberos library). Sign in with --auth ntlm or --auth basic and --user instead.</source>
        <translation>Diese Installation kann Kerberos nicht verwenden (das Python-Paket gssapi fehlt; installieren Sie cpi-cert-wizard mit dem Extra &apos;kerberos&apos;, das die Kerberos-Bibliothek des Systems braucht). Melden Sie sich stattdessen mit --auth ntlm oder --auth basic und --user an.</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Kerberos sign-in to {host} failed: {reason}. On Windows sign in to the domain; on Linux get a ticket first (kinit name@REALM) and check that the CA&apos;s name {host} is the one its HTTP service principal is registered for. Or sign in with a user name and password: --auth ntlm or --auth basic with --user.</source>
        <translation>Die Kerberos-Anmeldung an {host} ist gescheitert: {reason}. Melden Sie sich unter Windows an der Domäne an; holen Sie unter Linux zuerst ein Ticket (kinit name@REALM) und prüfen Sie, ob der Name {host} der CA der ist, für den ihr HTTP-Dienstprinzipal registriert ist. Oder melden Sie sich mit Benutzername und Passwort an: --auth ntlm oder --auth basic mit --user.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>NTLM sign-in to {host} failed: {reason}.</source>
        <translation>Die NTLM-Anmeldung an {host} ist gescheitert: {reason}.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>{host} ended the TLS handshake ({reason}): it wants a client certificate it trusts. Sign in with a certificate the CA issued (renewal, or --client-profile).</source>
        <translation>{host} hat den TLS-Handshake beendet ({reason}): Der Server verlangt ein Client-Zertifikat, dem er vertraut. Melden Sie sich mit einem Zertifikat an, das die CA ausgestellt hat (Erneuerung oder --client-profile).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>TLS with {host} failed: {reason}.</source>
        <translation>TLS mit {host} ist gescheitert: {reason}.</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/many.py" line="+55"/>
        <source>has a certificate already; nothing sent.</source>
        <translation>hat bereits ein Zertifikat; nichts gesendet.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>sent; {note}.</source>
        <translation>gesendet; {note}.</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>still {note}.</source>
        <translation>weiterhin {note}.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>issued by the CA and imported.</source>
        <translation>von der CA ausgestellt und importiert.</translation>
    </message>
</context>
<context>
    <name>cli</name>
    <message>
        <location filename="../wizard/commands/common.py" line="+71"/>
        <source>{prompt}: no answer (end of input). Nothing was changed.</source>
        <translation>{prompt}: keine Antwort (Ende der Eingabe). Es wurde nichts geändert.</translation>
    </message>
    <message>
        <location filename="../wizard/cli.py" line="+305"/>
        <source>The argument {argument} holds bytes that are not text in this system&apos;s encoding. Type it again, or rename the file it names.</source>
        <translation>Das Argument {argument} enthält Bytes, die in der Zeichenkodierung dieses Systems kein Text sind. Geben Sie es erneut ein oder benennen Sie die Datei um, die es bezeichnet.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>choose a command</source>
        <translation>Wählen Sie einen Befehl</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>error: {message}</source>
        <translation>Fehler: {message}</translation>
    </message>
</context>
<context>
    <name>client_identity</name>
    <message>
        <location filename="../wizard/core/client_identity.py" line="+77"/>
        <source>the roots in {file}</source>
        <translation>die Root-Zertifikate in {file}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the acceptable-CA names fetch-root recorded from the server</source>
        <translation>die vom Server gemeldeten Namen akzeptierter CAs, die beim Abruf des Root-Zertifikats gespeichert wurden</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the acceptable-CA names the server sent in this call</source>
        <translation>die Namen akzeptierter CAs, die der Server bei diesem Aufruf gesendet hat</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the custom domain&apos;s trusted CAs</source>
        <translation>die vertrauenswürdigen CAs der benutzerdefinierten Domäne</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SAP&apos;s list of client roots</source>
        <translation>die SAP-Liste der Root-Zertifikate für Client-Zertifikate</translation>
    </message>
</context>
<context>
    <name>csr</name>
    <message>
        <location filename="../wizard/commands/csr.py" line="+44"/>
        <source>Give either --subject or --cn (with --org …), not both.</source>
        <translation>Geben Sie entweder --subject oder --cn (mit --org …) an, nicht beides.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Say what the certificate is for: --cn NAME (or --subject DN).</source>
        <translation>Sagen Sie, wofür das Zertifikat ist: --cn NAME (oder --subject DN).</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Request: {file}</source>
        <translation>Anforderung: {file}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Key:     {file} (encrypted; passphrase kept in {where})</source>
        <translation>Schlüssel:   {file} (verschlüsselt; Passphrase liegt in {where})</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The previous key and certificate were copied to {folder}.</source>
        <translation>Der bisherige Schlüssel und das Zertifikat wurden nach {folder} kopiert.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Send the request to your CA and ask for a client-authentication certificate (Extended
Key Usage clientAuth) with the whole chain, from a CA on SAP&apos;s trust list. Then run:</source>
        <translation>Senden Sie die Anforderung an Ihre CA und verlangen Sie ein Zertifikat für die Client-
Authentifizierung (Extended Key Usage clientAuth) mit der ganzen Kette, von einer CA auf der
SAP-Vertrauensliste. Dann:</translation>
    </message>
    <message>
        <location filename="../wizard/core/csr.py" line="+21"/>
        <source>Common name (CN)</source>
        <translation>Common Name (CN)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Organizational unit (OU)</source>
        <translation>Organisationseinheit (OU)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Organization (O)</source>
        <translation>Organisation (O)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Locality (L)</source>
        <translation>Ort (L)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>State or province (ST)</source>
        <translation>Bundesland oder Provinz (ST)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Country (C)</source>
        <translation>Land (C)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-mail address</source>
        <translation>E-Mail-Adresse</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{value!r} is not an e-mail address.</source>
        <translation>{value!r} ist keine E-Mail-Adresse.</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>The common name (CN) is required.</source>
        <translation>Der Common Name (CN) ist erforderlich.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{label} has leading or trailing spaces; SAP compares the DN exactly, so remove them.</source>
        <translation>{label} hat führende oder nachgestellte Leerzeichen; SAP vergleicht den DN exakt, entfernen Sie sie also.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Country must be a two-letter ISO 3166 code in capitals, e.g. DE.</source>
        <translation>Das Land muss ein zweistelliger ISO-3166-Code in Großbuchstaben sein, z. B. DE.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{label} is {length} characters; at most {limit}.</source>
        <translation>{label} hat {length} Zeichen; erlaubt sind höchstens {limit}.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{label} contains control characters.</source>
        <translation>{label} enthält Steuerzeichen.</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>{label} appears more than once.</source>
        <translation>{label} kommt mehr als einmal vor.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The subject attribute {attribute!r} is not supported here; use CN, O, OU, L, ST, C and emailAddress.</source>
        <translation>Das Subject-Attribut {attribute!r} wird hier nicht unterstützt; verwenden Sie CN, O, OU, L, ST, C und emailAddress.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>{text!r} is not a distinguished name ({reason}). Write it like &quot;CN=erp-prd,O=ACME AG,C=DE&quot;.</source>
        <translation>{text!r} ist kein Distinguished Name ({reason}). Schreiben Sie ihn etwa so: &quot;CN=erp-prd,O=ACME AG,C=DE&quot;.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>{text!r} is not a SAN; write DNS:host, email:a@b, URI:… or IP:…</source>
        <translation>{text!r} ist kein SAN; schreiben Sie DNS:host, email:a@b, URI:… oder IP:…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{value!r} is not a DNS name.</source>
        <translation>{value!r} ist kein DNS-Name.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{value!r} is not a URI.</source>
        <translation>{value!r} ist kein URI.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{value!r} is not an IP address.</source>
        <translation>{value!r} ist keine IP-Adresse.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{kind!r} is not a SAN type here; use DNS, email, URI or IP ({text!r}).</source>
        <translation>{kind!r} ist hier kein SAN-Typ; verwenden Sie DNS, email, URI oder IP ({text!r}).</translation>
    </message>
</context>
<context>
    <name>enrollment</name>
    <message>
        <location filename="../wizard/core/enrollment.py" line="+125"/>
        <source>Profile {name!r} already has a key ({key}); its CSR is {csr}. To replace it (renewal, or a lost CSR), run again with --new-key; the current certificate keeps working until you deploy the new one.</source>
        <translation>Profil {name!r} hat bereits einen Schlüssel ({key}); seine CSR ist {csr}. Um ihn zu ersetzen (Erneuerung oder verlorene CSR), führen Sie den Befehl erneut mit --new-key aus; das aktuelle Zertifikat funktioniert weiter, bis Sie das neue einsetzen.</translation>
    </message>
    <message>
        <location line="+81"/>
        <source>Profile {name!r} has no key yet. Generate one: cpi-cert-wizard csr --profile {name} --cn …</source>
        <translation>Profil {name!r} hat noch keinen Schlüssel. Erzeugen Sie einen: cpi-cert-wizard csr --profile {name} --cn …</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Profile {name!r} has no certificate yet. Import the CA&apos;s reply first: cpi-cert-wizard import-reply --profile {name} FILE</source>
        <translation>Profil {name!r} hat noch kein Zertifikat. Importieren Sie zuerst die Antwort der CA: cpi-cert-wizard import-reply --profile {name} DATEI</translation>
    </message>
    <message>
        <location line="+142"/>
        <source>Profile {name!r} has no certificate request, so no CA reply can belong to it. Create one first: cpi-cert-wizard csr --profile {name} --cn …</source>
        <translation>Profil {name!r} hat keine Zertifikatsanforderung, daher kann keine Antwort einer CA dazu gehören. Erstellen Sie zuerst eine: cpi-cert-wizard csr --profile {name} --cn …</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The key of profile {name!r} was replaced while the reply was being checked; this reply belongs to the old key. Import the reply for the new request.</source>
        <translation>Der Schlüssel von Profil {name!r} wurde ersetzt, während die Antwort geprüft wurde; diese Antwort gehört zum alten Schlüssel. Importieren Sie die Antwort auf die neue Anforderung.</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>a PKCS#12 file</source>
        <translation>eine PKCS#12-Datei</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{file} holds a key but no certificate.</source>
        <translation>{file} enthält einen Schlüssel, aber kein Zertifikat.</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Profile {name!r} has a certificate request waiting at the CA ({csr}); importing this keystore would replace its key, and the CA&apos;s answer would then fit no key. To replace it anyway, run again with --new-key (the current key is kept in the profile&apos;s archive); or import into another --profile.</source>
        <translation>Profil {name!r} hat eine Zertifikatsanforderung, die bei der CA wartet ({csr}); der Import dieses Keystores würde seinen Schlüssel ersetzen, und die Antwort der CA passte dann zu keinem Schlüssel. Um ihn trotzdem zu ersetzen, führen Sie den Befehl erneut mit --new-key aus (der aktuelle Schlüssel bleibt im Archiv des Profils); oder importieren Sie in ein anderes --profile.</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>a service key (JSON)</source>
        <translation>ein Serviceschlüssel (JSON)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{file} is not JSON ({reason}). Copy the service key as shown in the BTP cockpit (Instances and Subscriptions → the instance → Service Keys → View).</source>
        <translation>{file} ist kein JSON ({reason}). Kopieren Sie den Serviceschlüssel so, wie das BTP Cockpit ihn zeigt (Instanzen und Abonnements → die Instanz → Serviceschlüssel → Anzeigen).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{file} has no &apos;certificate&apos; and &apos;key&apos; fields: it is not a service key of key-type &apos;certificate&apos; (a client-secret key has &apos;clientsecret&apos; instead). Create the key with {parameters} or use the External Certificate path.</source>
        <translation>{file} hat keine Felder &apos;certificate&apos; und &apos;key&apos;: Es ist kein Serviceschlüssel vom key-type &apos;certificate&apos; (ein Schlüssel mit Client-Secret hat stattdessen &apos;clientsecret&apos;). Erstellen Sie den Schlüssel mit {parameters} oder verwenden Sie den Weg über ein externes Zertifikat.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The &apos;key&apos; field of {file} is not a readable PEM private key.</source>
        <translation>Das Feld &apos;key&apos; in {file} ist kein lesbarer privater PEM-Schlüssel.</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>{file} exists already and was kept. Confirm to replace it (--force on the command line), or choose another --out.</source>
        <translation>{file} existiert bereits und wurde beibehalten. Bestätigen Sie das Ersetzen (--force auf der Befehlszeile) oder wählen Sie ein anderes --out.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>The PKCS#12 password needs {count} characters or more, on one line.</source>
        <translation>Das PKCS#12-Passwort braucht mindestens {count} Zeichen, in einer Zeile.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>--out {file}: the keystore is a .p12 (or .pfx) file, and {suffix} is the name of one of the public files written next to it. Give --out NAME.p12 or a folder.</source>
        <translation>--out {file}: der Keystore ist eine .p12- (oder .pfx-)Datei, und {suffix} ist die Endung einer der öffentlichen Dateien, die daneben geschrieben werden. Geben Sie --out NAME.p12 oder einen Ordner an.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>--out {file}: give the keystore a name ending in .p12 or .pfx.</source>
        <translation>--out {file}: geben Sie dem Keystore einen Namen mit der Endung .p12 oder .pfx.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>The key of profile {name!r} does not belong to its stored certificate (the key was replaced after the import). Import the certificate for the new key, or export the old .p12 from the profile&apos;s archive folder.</source>
        <translation>Der Schlüssel von Profil {name!r} gehört nicht zu seinem gespeicherten Zertifikat (der Schlüssel wurde nach dem Import ersetzt). Importieren Sie das Zertifikat für den neuen Schlüssel, oder exportieren Sie die alte .p12 aus dem Archivordner des Profils.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>not stored: no keyring, the password you chose</source>
        <translation>nicht gespeichert: kein Schlüsselbund, das von Ihnen gewählte Passwort</translation>
    </message>
</context>
<context>
    <name>expiry</name>
    <message>
        <location filename="../wizard/commands/expiry.py" line="+46"/>
        <source>--within needs a number of days, 0 or more.</source>
        <translation>--within braucht eine Anzahl von Tagen, 0 oder mehr.</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>No profiles yet. Start with: cpi-cert-wizard csr --profile NAME --cn COMMON-NAME</source>
        <translation>Noch keine Profile. Beginnen Sie mit: cpi-cert-wizard csr --profile NAME --cn COMMON-NAME</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>No certificate expires within {days} days.</source>
        <translation>Kein Zertifikat läuft innerhalb von {days} Tagen ab.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{profiles} profiles; {due} to renew now.</source>
        <translation>{profiles} Profile; {due} jetzt zu erneuern.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Calendar reminders: {file} (import it into your calendar).</source>
        <translation>Kalendererinnerungen: {file} (importieren Sie die Datei in Ihren Kalender).</translation>
    </message>
    <message>
        <location filename="../wizard/core/expiry.py" line="+39"/>
        <source>No certificate yet (state {state}); nothing expires.</source>
        <translation>Noch kein Zertifikat (Status {state}); nichts läuft ab.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Valid for {days} more days; plan the renewal from {renew_by}.</source>
        <translation>Noch {days} Tage gültig; planen Sie die Erneuerung ab {renew_by}.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Renew now: only {days} days left (expires {date}). {how}</source>
        <translation>Jetzt erneuern: nur noch {days} Tage (läuft am {date} ab). {how}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Renew now: {used}% of its {lifetime}-day lifetime is used (expires {date}, {days} days left). {how}</source>
        <translation>Jetzt erneuern: {used} % der Laufzeit von {lifetime} Tagen sind verbraucht (läuft am {date} ab, noch {days} Tage). {how}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Expired on {date} ({days} days ago): the tenant refuses it. {how}</source>
        <translation>Am {date} abgelaufen (vor {days} Tagen): der Tenant weist es ab. {how}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The CA certificate {subject} in its chain ends on {date}, before the certificate itself: from then on the chain no longer validates. </source>
        <translation>Das CA-Zertifikat {subject} in seiner Kette endet am {date}, vor dem Zertifikat selbst: ab dann ist die Kette nicht mehr gültig. </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{message}</source>
        <translation>{message}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Make a new key and request (cpi-cert-wizard csr --profile {profile} --new-key …), import the CA&apos;s reply, export the new .p12; then {tenant}</source>
        <translation>Erzeugen Sie einen neuen Schlüssel und Antrag (cpi-cert-wizard csr --profile {profile} --new-key …), importieren Sie die Antwort der CA, exportieren Sie die neue .p12; dann {tenant}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>add a new Certificate-to-User Mapping on Neo (it matches the whole certificate).</source>
        <translation>legen Sie auf Neo eine neue Zertifikat-zu-Benutzer-Zuordnung an (sie vergleicht das ganze Zertifikat).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>create a new service key on Cloud Foundry (pinning accepts only the exact one).</source>
        <translation>erstellen Sie auf Cloud Foundry einen neuen Serviceschlüssel (das Pinning akzeptiert nur genau dieses Zertifikat).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>update the tenant entry (a new Neo mapping or Cloud Foundry service key).</source>
        <translation>aktualisieren Sie den Tenant-Eintrag (eine neue Neo-Zuordnung oder einen neuen Cloud-Foundry-Serviceschlüssel).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Renew the client certificate of {profile}</source>
        <translation>Client-Zertifikat von {profile} erneuern</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The client certificate of sender system {profile} ({subject}) expires on {date}. {how}
Certificate SHA-256: {sha256}</source>
        <translation>Das Client-Zertifikat des Sendersystems {profile} ({subject}) läuft am {date} ab. {how}
Zertifikat SHA-256: {sha256}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> (This reminder was made less than {days_before} days before the expiry.)</source>
        <translation> (Diese Erinnerung wurde weniger als {days_before} Tage vor dem Ablauf erstellt.)</translation>
    </message>
</context>
<context>
    <name>export_p12</name>
    <message>
        <location filename="../wizard/commands/export_p12.py" line="+78"/>
        <source>Password: {password}</source>
        <translation>Passwort: {password}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Password: not shown</source>
        <translation>Passwort: nicht angezeigt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Password: the one you typed</source>
        <translation>Passwort: das von Ihnen eingegebene</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  kept in {where}; show it again with &apos;cpi-cert-wizard secret show --profile {profile} p12&apos;</source>
        <translation>  liegt in {where}; erneut anzeigen mit &apos;cpi-cert-wizard secret show --profile {profile} p12&apos;</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Which file goes where:</source>
        <translation>Welche Datei wohin gehört:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the sender system&apos;s keystore (STRUST: sapgenpse import_p12; Java: keytool -importkeystore; Postman: PFX)</source>
        <translation>Keystore des Sendersystems (STRUST: sapgenpse import_p12; Java: keytool -importkeystore; Postman: PFX)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>the tenant (Neo Certificate-to-User Mapping)</source>
        <translation>Tenant (Neo: Zertifikat-zu-Benutzer-Zuordnung)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the tenant (Cloud Foundry External Certificate key)</source>
        <translation>Tenant (Cloud Foundry: Serviceschlüssel External Certificate)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>curl --cert / Postman: leaf + intermediates</source>
        <translation>curl --cert / Postman: End- und Zwischenzertifikate</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Next: {command}</source>
        <translation>Weiter: {command}</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>a password file</source>
        <translation>eine Passwortdatei</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>New PKCS#12 password: </source>
        <translation>Neues PKCS#12-Passwort: </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The same password again: </source>
        <translation>Dasselbe Passwort noch einmal: </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The two entries differ; nothing was exported. Try again.</source>
        <translation>Die beiden Eingaben stimmen nicht überein; nichts wurde exportiert. Versuchen Sie es noch einmal.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>{files} exist(s) already. Replace? [y/N] </source>
        <translation>{files} existiert/existieren bereits. Ersetzen? [j/N] </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>y</source>
        <translation>j</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Step by step for your sender: --sender {choices}</source>
        <translation>Schritt für Schritt für Ihr Sendersystem: --sender {choices}</translation>
    </message>
</context>
<context>
    <name>fetch_root</name>
    <message>
        <location filename="../wizard/core/fetch_root.py" line="+156"/>
        <source>Server chain: valid for {name}.</source>
        <translation>Serverkette: gültig für {name}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Server chain: NOT valid for {name}:</source>
        <translation>Serverkette: NICHT gültig für {name}:</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The server ended the handshake after sending its chain ({error}); it requires a client certificate, and none is sent when fetching the root. The chain above was read before that.</source>
        <translation>Der Server hat den Handshake nach dem Senden seiner Kette beendet ({error}); er verlangt ein Client-Zertifikat, und beim Abrufen des Root-Zertifikats wird keines gesendet. Die Kette oben wurde vorher gelesen.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The server ended the handshake after sending its chain ({error}). The chain above was read before that.</source>
        <translation>Der Server hat den Handshake nach dem Senden seiner Kette beendet ({error}). Die Kette oben wurde vorher gelesen.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Root: not found, so nothing was saved. The chain stops at &apos;{subject}&apos;, issued by &apos;{issuer}&apos;: get that CA&apos;s root certificate (from the CA&apos;s website, or SAP&apos;s Connectivity Test) and pass it with --ca-file.</source>
        <translation>Root-Zertifikat: nicht gefunden, daher wurde nichts gespeichert. Die Kette endet bei &apos;{subject}&apos;, ausgestellt von &apos;{issuer}&apos;: Besorgen Sie das Root-Zertifikat dieser CA (von der Website der CA oder über den Konnektivitätstest von SAP) und geben Sie es mit --ca-file an.</translation>
    </message>
    <message>
        <location filename="../wizard/commands/fetch_root.py" line="+64"/>
        <source>--timeout must be a positive number of seconds.</source>
        <translation>--timeout muss eine positive Anzahl Sekunden sein.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Reading the certificate chain of {address}…</source>
        <translation>Zertifikatskette von {address} wird gelesen…</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Chain of {address} ({protocol}, through the proxy {proxy}):</source>
        <translation>Kette von {address} ({protocol}, über den Proxy {proxy}):</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Chain of {address} ({protocol}):</source>
        <translation>Kette von {address} ({protocol}):</translation>
    </message>
    <message>
        <location line="+11"/>
        <location filename="../wizard/core/fetch_root.py" line="+15"/>
        <source>sent by server</source>
        <translation>vom Server gesendet</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../wizard/core/fetch_root.py" line="+5"/>
        <source>resolved from {source}</source>
        <translation>ermittelt aus {source}</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Saved (profile {profile}):</source>
        <translation>Gespeichert (Profil {profile}):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Saved:</source>
        <translation>Gespeichert:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Next: import {cer} into the sender&apos;s trust store (STRUST: SSL client PSE → Import certificate → Add to Certificate List; Java: keytool -importcert -file {cer}; Postman: Settings → Certificates → CA certificates → {pem}).</source>
        <translation>Weiter: Importieren Sie {cer} in den Truststore des Senders (STRUST: SSL-Client-PSE → Zertifikat importieren → In Zertifikatsliste aufnehmen; Java: keytool -importcert -file {cer}; Postman: Settings → Certificates → CA certificates → {pem}).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Not saved: add --profile NAME and/or --out DIR to save the root.</source>
        <translation>Nicht gespeichert: Geben Sie --profile NAME und/oder --out ORDNER an, um das Root-Zertifikat zu speichern.</translation>
    </message>
    <message>
        <location filename="../wizard/core/fetch_root.py" line="-14"/>
        <source>Root: not found, so nothing was saved. The chain stops at &apos;{subject}&apos;, issued by &apos;{issuer}&apos;: get that CA&apos;s root certificate (from the CA&apos;s website, or SAP&apos;s Connectivity Test) and tick Skip on this step.</source>
        <translation>Root-Zertifikat: nicht gefunden, daher wurde nichts gespeichert. Die Kette endet bei &apos;{subject}&apos;, ausgestellt von &apos;{issuer}&apos;: Besorgen Sie das Root-Zertifikat dieser CA (von der Website der CA oder über den Konnektivitätstest von SAP) und setzen Sie in diesem Schritt das Häkchen bei „Vorerst überspringen“.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Root: {subject} (SHA-256 {sha256}), {origin}.</source>
        <translation>Root-Zertifikat: {subject} (SHA-256 {sha256}), {origin}.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP&apos;s list, {version}: the root is on the required list (the roots every BTP client must trust).</source>
        <translation>SAP-Liste, {version}: Das Root-Zertifikat steht auf der Pflichtliste (die Roots, denen jeder BTP-Client vertrauen muss).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP&apos;s list, {version}: the root is approved, but not on the required list.</source>
        <translation>SAP-Liste, {version}: Das Root-Zertifikat ist zugelassen, steht aber nicht auf der Pflichtliste.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>SAP&apos;s list, {version}: the root is not in this version of the list (it was in earlier ones); whether SAP still uses it is not confirmed.</source>
        <translation>SAP-Liste, {version}: die Root steht nicht in dieser Version der Liste (sie stand in früheren); ob SAP sie noch verwendet, ist nicht bestätigt.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP&apos;s list, {version}: the root is an expired historic root.</source>
        <translation>SAP-Liste, {version}: Das Root-Zertifikat ist ein abgelaufenes historisches Root-Zertifikat.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>SAP&apos;s list, {version}: the root is not on it. That is unusual for an SAP Cloud Integration host: check that this is the tenant&apos;s runtime host, and whether a proxy or firewall that inspects TLS put its own root in front.</source>
        <translation>SAP-Liste, {version}: Das Root-Zertifikat steht nicht darauf. Das ist für einen Host von SAP Cloud Integration ungewöhnlich: Prüfen Sie, ob dies der Runtime-Host des Tenants ist und ob ein Proxy oder eine Firewall, die TLS untersucht, ihr eigenes Root-Zertifikat vorgeschaltet hat.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Environment: Neo (the host is an -iflmap. runtime host).</source>
        <translation>Umgebung: Neo (der Host ist ein -iflmap.-Runtime-Host).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Environment: Cloud Foundry (the host is an -rt.cfapps. runtime host).</source>
        <translation>Umgebung: Cloud Foundry (der Host ist ein -rt.cfapps.-Runtime-Host).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Environment: not recognised from the host name (neither Neo -iflmap. nor Cloud Foundry -rt.cfapps.); choose it in the profile.</source>
        <translation>Umgebung: am Hostnamen nicht erkannt (weder Neo -iflmap. noch Cloud Foundry -rt.cfapps.); wählen Sie sie im Profil.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Client certificates: the server did not ask for one during the handshake.</source>
        <translation>Client-Zertifikate: Der Server hat während des Handshakes keines verlangt.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Client certificates: the server asks for one and lists no CA names (it does not say which CAs it accepts).</source>
        <translation>Client-Zertifikate: Der Server verlangt eines und nennt keine CA-Namen (er sagt nicht, welche CAs er akzeptiert).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Client certificates: the server asks for one and lists %n acceptable CA name(s); your certificate must chain to one of them:</source>
        <translation>Client-Zertifikate: Der Server verlangt eines und nennt %n akzeptierte(n) CA-Namen; Ihr Zertifikat muss zu einem davon führen:</translation>
    </message>
</context>
<context>
    <name>flow</name>
    <message>
        <location filename="../wizard/core/flow.py" line="+82"/>
        <source>Sender systems</source>
        <translation>Sendersysteme</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sender system and tenant</source>
        <translation>Sendersystem und Tenant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Trust the tenant</source>
        <translation>Dem Tenant vertrauen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Key and certificate request</source>
        <translation>Schlüssel und Zertifikatsanforderung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting for the CA</source>
        <translation>Warten auf die CA</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signed certificate</source>
        <translation>Signiertes Zertifikat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export for the sender system</source>
        <translation>Export für das Sendersystem</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tenant entry</source>
        <translation>Eintrag im Tenant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Test call</source>
        <translation>Testaufruf</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Summary</source>
        <translation>Zusammenfassung</translation>
    </message>
    <message>
        <location line="+126"/>
        <source>This is not a URL or host name: paste the endpoint as https://host/path, or the runtime host alone.</source>
        <translation>Das ist keine URL und kein Hostname: Fügen Sie den Endpunkt als https://host/pfad ein oder nur den Runtime-Host.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The tenant is called over HTTPS: the URL starts with https://.</source>
        <translation>Der Tenant wird über HTTPS aufgerufen: Die URL beginnt mit https://.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>{host} is the Cloud Foundry design-time (management) host, not the runtime endpoint a sender calls: the runtime host has -rt after it-cpiNNN (the url of the integration-flow service key).</source>
        <translation>{host} ist der Design-Time-Host (Verwaltung) von Cloud Foundry, nicht der Runtime-Endpunkt, den ein Sender aufruft: Der Runtime-Host hat -rt nach it-cpiNNN (die url des Serviceschlüssels für den Integrationsfluss).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{host} is the Neo management (tmn) host, not the runtime endpoint a sender calls: the runtime host ends in -iflmap.</source>
        <translation>{host} ist der Verwaltungs-Host (tmn) von Neo, nicht der Runtime-Endpunkt, den ein Sender aufruft: Der Runtime-Host endet auf -iflmap.</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>{code} is not an ISO 3166 country code; use the two letters, e.g. DE.</source>
        <translation>{code} ist kein Ländercode nach ISO 3166; verwenden Sie die zwei Buchstaben, z. B. DE.</translation>
    </message>
    <message>
        <location line="+127"/>
        <source>the tenant&apos;s load-balancer root (DER)</source>
        <translation>das Root-Zertifikat des Load Balancers des Tenants (DER)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the sender&apos;s trust store: STRUST SSL client PSE, Java truststore, Postman CA certificates</source>
        <translation>der Truststore des Senders: STRUST SSL-Client-PSE, Java-Truststore, CA-Zertifikate in Postman</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the same root as PEM text</source>
        <translation>dasselbe Root-Zertifikat als PEM-Text</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>trust stores that want PEM (curl --cacert, OpenSSL)</source>
        <translation>Truststores, die PEM erwarten (curl --cacert, OpenSSL)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the certificate request: public key and subject</source>
        <translation>die Zertifikatsanforderung: öffentlicher Schlüssel und Subject</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the CA, asking for a client authentication certificate</source>
        <translation>die CA, mit der Bitte um ein Zertifikat für die Client-Authentifizierung</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>private key, certificate and intermediates, protected by a password</source>
        <translation>privater Schlüssel, Zertifikat und Zwischenzertifikate, durch ein Passwort geschützt</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the sender&apos;s keystore: STRUST (sapgenpse import_p12), keytool -importkeystore, Postman PFX, Windows</source>
        <translation>der Keystore des Senders: STRUST (sapgenpse import_p12), keytool -importkeystore, Postman PFX, Windows</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the client certificate only, public (DER)</source>
        <translation>nur das Client-Zertifikat, öffentlich (DER)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the tenant: Neo Certificate-to-User Mapping upload</source>
        <translation>der Tenant: Upload in der Neo-Zertifikat-zu-Benutzer-Zuordnung</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the client certificate only, public (PEM)</source>
        <translation>nur das Client-Zertifikat, öffentlich (PEM)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the tenant: Cloud Foundry External Certificate service key</source>
        <translation>der Tenant: Cloud-Foundry-Serviceschlüssel External Certificate</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the certificate and its intermediates (PEM)</source>
        <translation>das Zertifikat und seine Zwischenzertifikate (PEM)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>curl --cert, or senders that take the chain separately</source>
        <translation>curl --cert, oder Sender, die die Kette getrennt annehmen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the body of the mapping API call</source>
        <translation>der Body des Aufrufs der Mapping-API</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>POST /api/v1/CertificateUserMappings on the Neo tenant</source>
        <translation>POST /api/v1/CertificateUserMappings auf dem Neo-Tenant</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the service instance&apos;s parameters (roles)</source>
        <translation>die Parameter der Service-Instanz (Rollen)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cf create-service … -c, or the cockpit&apos;s JSON field</source>
        <translation>cf create-service … -c, oder das JSON-Feld im Cockpit</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the External Certificate service key&apos;s parameters</source>
        <translation>die Parameter des Serviceschlüssels External Certificate</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cf create-service-key … -c, or the cockpit&apos;s JSON field</source>
        <translation>cf create-service-key … -c, oder das JSON-Feld im Cockpit</translation>
    </message>
</context>
<context>
    <name>https</name>
    <message>
        <location filename="../wizard/core/https.py" line="+81"/>
        <source>{url} answered {what} with {content_type} that is not JSON (HTTP {status}).</source>
        <translation>{url} hat auf {what} mit {content_type} geantwortet, das kein JSON ist (HTTP {status}).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>no content type</source>
        <translation>kein Content-Type</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>{file} cannot be used as CA file ({reason}); give a PEM file with the CA certificate that signed the server&apos;s certificate.</source>
        <translation>{file} kann nicht als CA-Datei verwendet werden ({reason}); geben Sie eine PEM-Datei mit dem CA-Zertifikat an, das das Zertifikat des Servers signiert hat.</translation>
    </message>
    <message>
        <location line="+136"/>
        <location line="+129"/>
        <source>{url!r} is not an https URL.</source>
        <translation>{url!r} ist keine https-URL.</translation>
    </message>
    <message>
        <location line="-68"/>
        <source>The server certificate of {host} is not trusted ({reason}). {advice}</source>
        <translation>Dem Serverzertifikat von {host} wird nicht vertraut ({reason}). {advice}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The proxy {proxy} (HTTPS_PROXY) refused to connect to {host} ({reason}). Ask for {host} to be allowed, or set NO_PROXY if it should be reached directly.</source>
        <translation>Der Proxy {proxy} (HTTPS_PROXY) hat die Verbindung zu {host} abgelehnt ({reason}). Lassen Sie {host} freigeben, oder setzen Sie NO_PROXY, wenn der Host direkt erreicht werden soll.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>connection refused</source>
        <translation>Verbindung abgelehnt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>no answer in time</source>
        <translation>keine Antwort in der vorgesehenen Zeit</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the host name is unknown</source>
        <translation>der Hostname ist unbekannt</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cannot reach {host} through the proxy {proxy} (HTTPS_PROXY): {detail}. Check the proxy address and that it is running, or unset HTTPS_PROXY to connect directly.</source>
        <translation>{host} ist über den Proxy {proxy} (HTTPS_PROXY) nicht erreichbar: {detail}. Prüfen Sie die Proxy-Adresse und ob der Proxy läuft, oder entfernen Sie HTTPS_PROXY, um direkt zu verbinden.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Cannot reach {host}: {detail}. {check}</source>
        <translation>{host} ist nicht erreichbar: {detail}. {check}</translation>
    </message>
    <message>
        <location line="+80"/>
        <source>The server certificate of {host} is not trusted ({why}). {advice}</source>
        <translation>Dem Serverzertifikat von {host} wird nicht vertraut ({why}). {advice}</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>{host} refused the client certificate of the service key during the TLS handshake{reason}: it is expired, revoked or not the one of this key. Create a new service key and run again with --destination-key NEW-KEY.json.</source>
        <translation>{host} hat das Clientzertifikat des Serviceschlüssels beim TLS-Handshake abgelehnt{reason}: Es ist abgelaufen, widerrufen oder nicht das dieses Schlüssels. Legen Sie einen neuen Serviceschlüssel an und starten Sie erneut mit --destination-key NEW-KEY.json.</translation>
    </message>
    <message>
        <location filename="../wizard/core/neo_api.py" line="+90"/>
        <source>Check the --tmn URL, your network and proxy (HTTPS_PROXY), then try again.</source>
        <translation>Prüfen Sie die --tmn-URL, Ihr Netzwerk und den Proxy (HTTPS_PROXY), und versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>For a private test server give its CA with --ca-file; for SAP&apos;s hosts check for a TLS-inspecting proxy.</source>
        <translation>Geben Sie für einen privaten Testserver dessen CA mit --ca-file an; prüfen Sie bei den Hosts von SAP, ob ein TLS-inspizierender Proxy dazwischenliegt.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>It looks like a login page: check that the URL is the tmn host and that this user may log in with a password (or use --tmn-client-id).</source>
        <translation>Das sieht nach einer Anmeldeseite aus: Prüfen Sie, ob die URL der tmn-Host ist und ob sich dieser Benutzer mit Passwort anmelden darf (oder verwenden Sie --tmn-client-id).</translation>
    </message>
    <message>
        <location filename="../wizard/core/sap_sign.py" line="+419"/>
        <source>Check the service key&apos;s &apos;url&apos; and &apos;uri&apos;, your network and, if you need one, the proxy (HTTPS_PROXY); then try again.</source>
        <translation>Prüfen Sie &apos;url&apos; und &apos;uri&apos; des Serviceschlüssels, Ihr Netzwerk und, falls nötig, den Proxy (HTTPS_PROXY); versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>For SAP&apos;s hosts check for a TLS-inspecting proxy (give its CA with --ca-file); for a private test server give its CA with --ca-file.</source>
        <translation>Prüfen Sie bei den Hosts von SAP, ob ein TLS-inspizierender Proxy dazwischenliegt (geben Sie dessen CA mit --ca-file an); geben Sie für einen privaten Testserver dessen CA mit --ca-file an.</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/transport.py" line="-414"/>
        <source>Check the CA&apos;s address (and that its web enrollment or EST service runs), your network and, if you need one, the proxy (--proxy or HTTPS_PROXY); then try again.</source>
        <translation>Prüfen Sie die Adresse der CA (und ob ihre Webregistrierung bzw. ihr EST-Dienst läuft), Ihr Netzwerk und, falls nötig, den Proxy (--proxy oder HTTPS_PROXY); versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>A company CA&apos;s web server usually has a certificate from the company&apos;s own root: give that root with --ca-file (PEM), or install it in the system&apos;s trust store.</source>
        <translation>Der Webserver einer Unternehmens-CA hat meist ein Zertifikat von der eigenen Root des Unternehmens: Geben Sie diese Root mit --ca-file (PEM) an oder installieren Sie sie im Vertrauensspeicher des Systems.</translation>
    </message>
</context>
<context>
    <name>import_p12</name>
    <message>
        <location filename="../wizard/commands/import_p12.py" line="+37"/>
        <source>a password file</source>
        <translation>eine Passwortdatei</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Password of {file}: </source>
        <translation>Passwort von {file}: </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The password of {file} is needed: type it at the prompt, or use --password-file or {variable}.</source>
        <translation>Das Passwort von {file} wird gebraucht: Geben Sie es an der Eingabeaufforderung ein, oder verwenden Sie --password-file oder {variable}.</translation>
    </message>
</context>
<context>
    <name>import_reply</name>
    <message>
        <location line="+26"/>
        <location filename="../wizard/commands/import_reply.py" line="+40"/>
        <source>Next: {command}</source>
        <translation>Weiter: {command}</translation>
    </message>
</context>
<context>
    <name>import_service_key</name>
    <message>
        <location filename="../wizard/commands/import_service_key.py" line="+34"/>
        <source>The key is stored encrypted in the profile; its passphrase is in the keyring. Next: {command}</source>
        <translation>Der Schlüssel ist verschlüsselt im Profil gespeichert; seine Passphrase liegt im Schlüsselbund. Weiter: {command}</translation>
    </message>
</context>
<context>
    <name>json</name>
    <message>
        <location filename="../wizard/core/jsontext.py" line="+65"/>
        <source>nested more than {limit} levels deep</source>
        <translation>mehr als {limit} Ebenen tief verschachtelt</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>a \u escape that is half of a character</source>
        <translation>eine \u-Folge, die nur ein halbes Zeichen ist</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>a number too long to read</source>
        <translation>eine Zahl, die zu lang zum Lesen ist</translation>
    </message>
</context>
<context>
    <name>keys</name>
    <message>
        <location filename="../wizard/core/keys.py" line="+37"/>
        <source>{value!r} is not a key type this tool makes; choose one of {choices}.</source>
        <translation>{value!r} ist kein Schlüsseltyp, den dieses Werkzeug erzeugt; wählen Sie einen aus {choices}.</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>{source} cannot be decrypted with the stored passphrase. If you changed keyrings or machines, the passphrase is in the old keyring; otherwise generate a new key (csr --new-key) and request a new certificate.</source>
        <translation>{source} lässt sich mit der gespeicherten Passphrase nicht entschlüsseln. Wenn Sie Schlüsselbund oder Computer gewechselt haben, liegt die Passphrase im alten Schlüsselbund; andernfalls erzeugen Sie einen neuen Schlüssel (csr --new-key) und beantragen ein neues Zertifikat.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{source} holds a {kind}; use RSA or EC.</source>
        <translation>{source} enthält einen Schlüssel vom Typ {kind}; verwenden Sie RSA oder EC.</translation>
    </message>
</context>
<context>
    <name>language</name>
    <message>
        <location filename="../wizard/language.py" line="+125"/>
        <source>{code!r} is not a language of this program; use one of {codes}.</source>
        <translation>{code!r} ist keine Sprache dieses Programms; verwenden Sie eine von {codes}.</translation>
    </message>
</context>
<context>
    <name>lints</name>
    <message>
        <location filename="../wizard/core/lints.py" line="+39"/>
        <source>certificate for another key</source>
        <translation>Zertifikat für einen anderen Schlüssel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos;: this certificate belongs to another key; it was not issued for the CSR of {profile}. Import the certificate the CA issued for this CSR (compare subject and order number), or send this profile&apos;s CSR to the CA.</source>
        <translation>&apos;{subject}&apos;: Dieses Zertifikat gehört zu einem anderen Schlüssel; es wurde nicht für die CSR von {profile} ausgestellt. Importieren Sie das Zertifikat, das die CA für diese CSR ausgestellt hat (vergleichen Sie Subject und Auftragsnummer), oder senden Sie die CSR dieses Profils an die CA.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>self-signed certificate</source>
        <translation>selbstsigniertes Zertifikat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is self-signed: self-signed certificates never pass SAP&apos;s load balancer, which only forwards certificates that chain to a root on SAP&apos;s list. Send the CSR to a CA whose root is on SAP&apos;s list and import the certificate it returns.</source>
        <translation>&apos;{subject}&apos; ist selbstsigniert: Selbstsignierte Zertifikate passieren den Load Balancer von SAP nie, denn er leitet nur Zertifikate weiter, die zu einem Root-Zertifikat auf der SAP-Liste führen. Senden Sie die CSR an eine CA, deren Root-Zertifikat auf der SAP-Liste steht, und importieren Sie das Zertifikat, das sie zurückgibt.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>chain cannot be completed</source>
        <translation>Kette kann nicht vervollständigt werden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the chain cannot be completed: issuer &apos;{issuer}&apos; of &apos;{subject}&apos; was not found; add it with --ca-file or get the CA&apos;s bundle (intermediate and root certificates, usually on the CA&apos;s download page).{detail}</source>
        <translation>Die Kette kann nicht vervollständigt werden: Der Aussteller &apos;{issuer}&apos; von &apos;{subject}&apos; wurde nicht gefunden; fügen Sie ihn mit --ca-file hinzu oder besorgen Sie das Bundle der CA (Zwischen- und Root-Zertifikate, meist auf der Download-Seite der CA).{detail}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>certificate not valid</source>
        <translation>Zertifikat nicht gültig</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is not valid: {reason}. {fix}</source>
        <translation>&apos;{subject}&apos; ist nicht gültig: {reason}. {fix}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>validity date encoded as GeneralizedTime</source>
        <translation>Gültigkeitsdatum als GeneralizedTime kodiert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; encodes a validity date before 2050 as GeneralizedTime. RFC 5280 asks CAs for UTCTime there, but validators such as OpenSSL accept it (NIST PKITS 4.2.4), and so does this program: signatures and dates were checked. If a sender&apos;s TLS library refuses the certificate, ask the CA to issue it again.</source>
        <translation>&apos;{subject}&apos; kodiert ein Gültigkeitsdatum vor 2050 als GeneralizedTime. RFC 5280 verlangt von CAs dort UTCTime, aber Validatoren wie OpenSSL akzeptieren es (NIST PKITS 4.2.4), und dieses Programm auch: Signaturen und Daten wurden geprüft. Falls die TLS-Bibliothek eines Senders das Zertifikat ablehnt, bitten Sie die CA, es neu auszustellen.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>CA certificate instead of a client certificate</source>
        <translation>CA-Zertifikat statt eines Client-Zertifikats</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is a CA certificate (basicConstraints CA:TRUE), not a client certificate. Pick the certificate the CA issued for your CSR, not the CA&apos;s own.</source>
        <translation>&apos;{subject}&apos; ist ein CA-Zertifikat (basicConstraints CA:TRUE), kein Client-Zertifikat. Wählen Sie das Zertifikat, das die CA für Ihre CSR ausgestellt hat, nicht das eigene der CA.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>not for client authentication</source>
        <translation>nicht für die Client-Authentifizierung</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>key usage forbids signing</source>
        <translation>Key Usage verbietet das Signieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; has a Key Usage without digitalSignature ({usages}), so it cannot sign the TLS handshake as a client. Ask the CA for a client-authentication certificate with Key Usage digitalSignature.</source>
        <translation>&apos;{subject}&apos; hat eine Key Usage ohne digitalSignature ({usages}) und kann den TLS-Handshake daher nicht als Client signieren. Verlangen Sie von der CA ein Zertifikat für die Client-Authentifizierung mit Key Usage digitalSignature.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>RSA key too short</source>
        <translation>RSA-Schlüssel zu kurz</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; has an RSA key of {bits} bits; at least 2048 are required. {fix}</source>
        <translation>&apos;{subject}&apos; hat einen RSA-Schlüssel mit {bits} Bit; mindestens 2048 sind nötig. {fix}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>SHA-1 signature</source>
        <translation>SHA-1-Signatur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is signed with {algorithm}, which SAP&apos;s load balancer and current TLS libraries reject. {fix}</source>
        <translation>&apos;{subject}&apos; ist mit {algorithm} signiert, was der Load Balancer von SAP und aktuelle TLS-Bibliotheken ablehnen. {fix}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>empty common name</source>
        <translation>leerer Common Name</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; has no common name (CN). SAP shows and maps client certificates by their CN: create a new CSR with --cn and have it signed again.</source>
        <translation>&apos;{subject}&apos; hat keinen Common Name (CN). SAP zeigt Client-Zertifikate mit ihrem CN an und ordnet sie darüber zu: Erstellen Sie eine neue CSR mit --cn und lassen Sie sie erneut signieren.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>common name with spaces at the ends</source>
        <translation>Common Name mit Leerzeichen an den Enden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the common name &apos;{cn}&apos; of &apos;{subject}&apos; has leading or trailing spaces, which make the mapping to a user fail. Create a new CSR with the CN trimmed and have it signed again.</source>
        <translation>Der Common Name &apos;{cn}&apos; von &apos;{subject}&apos; hat Leerzeichen am Anfang oder Ende, wodurch die Zuordnung zu einem Benutzer scheitert. Erstellen Sie eine neue CSR mit bereinigtem CN und lassen Sie sie erneut signieren.</translation>
    </message>
    <message>
        <location line="-54"/>
        <source>no Extended Key Usage</source>
        <translation>keine Extended Key Usage</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>unusual key type</source>
        <translation>ungewöhnlicher Schlüsseltyp</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; has a {key} key; SAP documents RSA (2048 bits or more) and EC P-256 or P-384 for client certificates. If the load balancer refuses it, create a new CSR with --key-type rsa-3072 or ec-p256.</source>
        <translation>&apos;{subject}&apos; hat einen {key}-Schlüssel; SAP dokumentiert für Client-Zertifikate RSA (2048 Bit oder mehr) und EC P-256 oder P-384. Lehnt der Load Balancer es ab, erstellen Sie eine neue CSR mit --key-type rsa-3072 oder ec-p256.</translation>
    </message>
    <message>
        <location line="-79"/>
        <source>&apos;{subject}&apos; has an Extended Key Usage without clientAuth ({usages}). SAP: &quot;The certificate must include the Client Authentication Extended Key Usage (EKU) with OID 1.3.6.1.5.5.7.3.2. Certificates without this EKU are rejected during the TLS handshake.&quot; Public TLS CAs stopped issuing clientAuth in their TLS/SSL server certificates in 2026, and SAP Integration Suite rejects client certificates without it. Ask the CA for a client-authentication certificate (Extended Key Usage clientAuth).</source>
        <translation>&apos;{subject}&apos; hat eine Extended Key Usage ohne clientAuth ({usages}). SAP: &quot;The certificate must include the Client Authentication Extended Key Usage (EKU) with OID 1.3.6.1.5.5.7.3.2. Certificates without this EKU are rejected during the TLS handshake.&quot; (Das Zertifikat muss die Extended Key Usage Client Authentication mit OID 1.3.6.1.5.5.7.3.2 enthalten; Zertifikate ohne sie werden im TLS-Handshake abgewiesen.) Öffentliche TLS-CAs stellen seit 2026 keine TLS/SSL-Serverzertifikate mit clientAuth mehr aus, und SAP Integration Suite weist Client-Zertifikate ohne clientAuth ab. Fordern Sie bei der CA ein Zertifikat für Client-Authentifizierung an (Extended Key Usage clientAuth).</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>&apos;{subject}&apos; has no Extended Key Usage, so it does not include clientAuth. RFC 5280 treats that as unrestricted, but SAP does not: &quot;The certificate must include the Client Authentication Extended Key Usage (EKU) with OID 1.3.6.1.5.5.7.3.2. Certificates without this EKU are rejected during the TLS handshake.&quot; Ask the CA for a client-authentication certificate (Extended Key Usage clientAuth).</source>
        <translation>&apos;{subject}&apos; hat keine Extended Key Usage und damit kein clientAuth. RFC 5280 behandelt das als uneingeschränkt, SAP aber nicht: &quot;The certificate must include the Client Authentication Extended Key Usage (EKU) with OID 1.3.6.1.5.5.7.3.2. Certificates without this EKU are rejected during the TLS handshake.&quot; (Das Zertifikat muss die Extended Key Usage Client Authentication mit OID 1.3.6.1.5.5.7.3.2 enthalten; Zertifikate ohne sie werden im TLS-Handshake abgewiesen.) Fordern Sie bei der CA ein Zertifikat für Client-Authentifizierung an (Extended Key Usage clientAuth).</translation>
    </message>
    <message>
        <location line="+74"/>
        <source>root not confirmed by SAP&apos;s list</source>
        <translation>Root von der SAP-Liste nicht bestätigt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the root &apos;{subject}&apos; is not on {version}, so this tool cannot confirm that SAP&apos;s load balancer accepts it (not confirmed, not refused). That list is one source: the authoritative list is SAP Note 2801396 (needs an SAP login), and SAP&apos;s help pages name roots it lacks. Check the note or the acceptable-CA names the load balancer sends (fetch-root), and add roots with --sap-roots FILE.</source>
        <translation>Die Root &apos;{subject}&apos; steht nicht auf {version}, daher kann dieses Programm nicht bestätigen, dass der Load Balancer von SAP sie akzeptiert (nicht bestätigt, nicht abgelehnt). Diese Liste ist eine Quelle: maßgeblich ist SAP-Hinweis 2801396 (SAP-Anmeldung nötig), und die Hilfeseiten von SAP nennen Roots, die ihr fehlen. Prüfen Sie den Hinweis oder die akzeptierten CA-Namen, die der Load Balancer sendet (fetch-root), und fügen Sie Roots mit --sap-roots DATEI hinzu.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>root not in SAP&apos;s current list</source>
        <translation>Root nicht in der aktuellen SAP-Liste</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the root &apos;{subject}&apos; was in earlier versions of SAP&apos;s BTP trust store but is not in {version}. SAP&apos;s Neo page of trusted root CAs (April 2026) still lists some of these roots, so whether the load balancer accepts it is not confirmed. Check SAP Note 2801396; a CA whose root is on the list avoids the question.</source>
        <translation>Die Root &apos;{subject}&apos; stand in früheren Versionen des BTP Trust Store von SAP, aber nicht in {version}. Die Neo-Seite von SAP mit vertrauenswürdigen Root-CAs (April 2026) führt einige dieser Roots noch, daher ist nicht bestätigt, ob der Load Balancer sie akzeptiert. Prüfen Sie SAP-Hinweis 2801396; eine CA, deren Root auf der Liste steht, vermeidet die Frage.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>root not among the custom domain&apos;s trusted CAs</source>
        <translation>Root nicht unter den vertrauenswürdigen CAs der Custom Domain</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the root &apos;{subject}&apos; is not among {version}. With a custom domain and a customer-managed trust model the load balancer accepts the CAs configured for that domain: add this root there (and to the file you gave), or use a certificate from a CA that is configured.</source>
        <translation>Die Root &apos;{subject}&apos; ist nicht unter {version}. Mit einer Custom Domain und kundenverwaltetem Vertrauensmodell akzeptiert der Load Balancer die für diese Domain konfigurierten CAs: fügen Sie diese Root dort hinzu (und in der angegebenen Datei), oder verwenden Sie ein Zertifikat einer konfigurierten CA.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>expires soon</source>
        <translation>läuft bald ab</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; expires on {date} ({days} days left). Renew it now: new CSR, new certificate, then a new mapping entry (Neo) or service key (Cloud Foundry).</source>
        <translation>&apos;{subject}&apos; läuft am {date} ab (noch {days} Tage). Erneuern Sie es jetzt: neue CSR, neues Zertifikat, dann ein neuer Zuordnungseintrag (Neo) oder Serviceschlüssel (Cloud Foundry).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>renewal due</source>
        <translation>Erneuerung fällig</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is past two thirds of its lifetime ({days} of {total} days left, expires on {date}). Plan the renewal: new CSR, new certificate, new mapping entry (Neo) or service key (Cloud Foundry).</source>
        <translation>&apos;{subject}&apos; hat zwei Drittel seiner Laufzeit überschritten (noch {days} von {total} Tagen, läuft am {date} ab). Planen Sie die Erneuerung: neue CSR, neues Zertifikat, neuer Zuordnungseintrag (Neo) oder Serviceschlüssel (Cloud Foundry).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>certificate outlives its issuer</source>
        <translation>Zertifikat gilt länger als sein Aussteller</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is valid until {date}, but its issuer &apos;{issuer}&apos; expires on {issuer_date}: from then on the chain no longer validates and the load balancer drops it. Get the CA&apos;s renewed intermediate before that date, or renew the certificate earlier.</source>
        <translation>&apos;{subject}&apos; gilt bis {date}, sein Aussteller &apos;{issuer}&apos; läuft aber am {issuer_date} ab: ab dann lässt sich die Kette nicht mehr validieren, und der Load Balancer verwirft sie. Besorgen Sie vor diesem Datum das erneuerte Zwischenzertifikat der CA, oder erneuern Sie das Zertifikat früher.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>chain ends in Baltimore CyberTrust Root</source>
        <translation>Kette endet bei Baltimore CyberTrust Root</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the chain ends in &apos;{subject}&apos;, which expired on {date}. It was the historic root of SAP&apos;s Neo load balancer and certificates depending on it no longer work. Get a new certificate from a CA whose root is on {version}.</source>
        <translation>Die Kette endet bei &apos;{subject}&apos;, das am {date} abgelaufen ist. Es war das historische Root-Zertifikat des Neo-Load-Balancers von SAP, und davon abhängige Zertifikate funktionieren nicht mehr. Besorgen Sie ein neues Zertifikat von einer CA, deren Root-Zertifikat auf {version} steht.</translation>
    </message>
    <message>
        <location filename="../wizard/core/chain.py" line="+369"/>
        <source>No certificate was given. Import the file the CA sent back.</source>
        <translation>Es wurde kein Zertifikat angegeben. Importieren Sie die Datei, die die CA zurückgeschickt hat.</translation>
    </message>
    <message>
        <location line="+53"/>
        <source> Accepted anyway because {flag} was given: SAP&apos;s load balancer will drop this certificate in the TLS handshake, so it cannot authenticate a sender to Cloud Integration.</source>
        <translation> Trotzdem akzeptiert, weil {flag} angegeben wurde: der Load Balancer von SAP verwirft dieses Zertifikat im TLS-Handshake, es kann also keinen Sender bei Cloud Integration authentifizieren.</translation>
    </message>
    <message>
        <location line="+32"/>
        <location line="+298"/>
        <source> Also tried: {sources}.</source>
        <translation> Ebenfalls versucht: {sources}.</translation>
    </message>
    <message>
        <location line="-289"/>
        <source>its signature does not verify with the key of &apos;{issuer}&apos; from {origin}, a different CA certificate with the same name</source>
        <translation>seine Signatur lässt sich mit dem Schlüssel von &apos;{issuer}&apos; aus {origin} nicht prüfen, einem anderen CA-Zertifikat mit demselben Namen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Get the issuer certificate that belongs to this certificate from the CA (a renewed CA certificate has a new key).</source>
        <translation>Besorgen Sie bei der CA das Ausstellerzertifikat, das zu diesem Zertifikat gehört (ein erneuertes CA-Zertifikat hat einen neuen Schlüssel).</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Ask the CA for a new certificate.</source>
        <translation>Verlangen Sie von der CA ein neues Zertifikat.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Get the current CA certificate from the CA (or its bundle).</source>
        <translation>Besorgen Sie das aktuelle CA-Zertifikat bei der CA (oder ihr Bundle).</translation>
    </message>
    <message>
        <location line="+3"/>
        <location filename="../wizard/core/prechecks.py" line="+195"/>
        <source>expired on {date}</source>
        <translation>am {date} abgelaufen</translation>
    </message>
    <message>
        <location line="+4"/>
        <location filename="../wizard/core/prechecks.py" line="+3"/>
        <source>not valid before {date}</source>
        <translation>nicht gültig vor dem {date}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Check the computer&apos;s clock, or wait until that date.</source>
        <translation>Prüfen Sie die Uhr des Computers, oder warten Sie bis zu diesem Datum.</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>Create a new CSR with --key-type rsa-3072 (or ec-p256) and have it signed again.</source>
        <translation>Erstellen Sie eine neue CSR mit --key-type rsa-3072 (oder ec-p256) und lassen Sie sie erneut signieren.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>This CA is too weak for SAP; get the certificate from a different CA.</source>
        <translation>Diese CA ist für SAP zu schwach; besorgen Sie das Zertifikat bei einer anderen CA.</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Ask the CA to issue it again with SHA-256.</source>
        <translation>Bitten Sie die CA, es mit SHA-256 neu auszustellen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The CA must give you a CA certificate signed with SHA-256, or use another CA.</source>
        <translation>Die CA muss Ihnen ein mit SHA-256 signiertes CA-Zertifikat geben, oder verwenden Sie eine andere CA.</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>its chain to &apos;{root}&apos; failed validation ({reason})</source>
        <translation>seine Kette zu &apos;{root}&apos; hat die Validierung nicht bestanden ({reason})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Ask the CA for the correct chain, or for a new certificate.</source>
        <translation>Verlangen Sie von der CA die richtige Kette oder ein neues Zertifikat.</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>no issuer led to a trusted root: </source>
        <translation>kein Aussteller führte zu einem vertrauenswürdigen Root-Zertifikat: </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the certificate is not valid at this time</source>
        <translation>das Zertifikat ist zu diesem Zeitpunkt nicht gültig</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>signature algorithm not allowed</source>
        <translation>Signaturalgorithmus nicht zulässig</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>public key algorithm not allowed</source>
        <translation>Public-Key-Algorithmus nicht zulässig</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the required Extended Key Usage is missing</source>
        <translation>die erforderliche erweiterte Schlüsselverwendung (Extended Key Usage) fehlt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the signature does not match</source>
        <translation>die Signatur passt nicht</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>{host} sent no certificate.</source>
        <translation>{host} hat kein Zertifikat gesendet.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>the server&apos;s certificate &apos;{subject}&apos; is self-signed; trust it only if you know this server</source>
        <translation>das Zertifikat &apos;{subject}&apos; des Servers ist selbstsigniert; vertrauen Sie ihm nur, wenn Sie diesen Server kennen</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>issuer &apos;{issuer}&apos; of &apos;{subject}&apos; was not found in the server&apos;s chain, {sources} or via AIA.</source>
        <translation>der Aussteller &apos;{issuer}&apos; von &apos;{subject}&apos; wurde weder in der Kette des Servers noch in {sources} oder über AIA gefunden.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>&apos;{subject}&apos; expired on {date}</source>
        <translation>&apos;{subject}&apos; ist am {date} abgelaufen</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&apos;{subject}&apos; is valid from {date}</source>
        <translation>&apos;{subject}&apos; ist erst ab dem {date} gültig</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the root &apos;{subject}&apos; came from the server itself and is in none of {sources}</source>
        <translation>das Root-Zertifikat &apos;{subject}&apos; stammt vom Server selbst und ist in keiner dieser Quellen: {sources}</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>no trust store</source>
        <translation>kein Truststore</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>invalid host name &apos;{host}&apos;</source>
        <translation>ungültiger Hostname &apos;{host}&apos;</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>the certificate is for {names}, not {host}</source>
        <translation>das Zertifikat gilt für {names}, nicht für {host}</translation>
    </message>
</context>
<context>
    <name>mapping</name>
    <message>
        <location filename="../wizard/core/mapping.py" line="+63"/>
        <source>Profile {profile!r} has no certificate yet (state {state}). Import the CA&apos;s reply first: cpi-cert-wizard import-reply --profile {profile} FILE [FILE ...]</source>
        <translation>Profil {profile!r} hat noch kein Zertifikat (Status {state}). Importieren Sie zuerst die Antwort der CA: cpi-cert-wizard import-reply --profile {profile} DATEI [DATEI ...]</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Profile {profile!r} is marked {state} but its certificate file {file} is missing. Import the CA&apos;s reply again: cpi-cert-wizard import-reply --profile {profile} FILE</source>
        <translation>Profil {profile!r} hat den Status {state}, aber seine Zertifikatsdatei {file} fehlt. Importieren Sie die Antwort der CA erneut: cpi-cert-wizard import-reply --profile {profile} DATEI</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{file} of profile {profile!r} holds no readable PEM certificate ({reason}). Import the CA&apos;s reply again: cpi-cert-wizard import-reply --profile {profile} FILE</source>
        <translation>{file} von Profil {profile!r} enthält kein lesbares PEM-Zertifikat ({reason}). Importieren Sie die Antwort der CA erneut: cpi-cert-wizard import-reply --profile {profile} DATEI</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{file} of profile {profile!r} starts with certificate SHA-256 {found}, but the profile records {recorded}. Import the CA&apos;s reply again so both agree: cpi-cert-wizard import-reply --profile {profile} FILE</source>
        <translation>{file} von Profil {profile!r} beginnt mit dem Zertifikat SHA-256 {found}, aber das Profil verzeichnet {recorded}. Importieren Sie die Antwort der CA erneut, damit beide übereinstimmen: cpi-cert-wizard import-reply --profile {profile} DATEI</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The certificate of profile {profile!r} ({subject}) expired on {date}; the tenant refuses it. Renew it first: cpi-cert-wizard csr --profile {profile} --new-key …, have the CA sign the request, then import-reply.</source>
        <translation>Das Zertifikat von Profil {profile!r} ({subject}) ist am {date} abgelaufen; der Tenant lehnt es ab. Erneuern Sie es zuerst: cpi-cert-wizard csr --profile {profile} --new-key …, lassen Sie die Anforderung von der CA signieren, dann import-reply.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Profile {profile!r} does not record whether the tenant runs on Neo or Cloud Foundry (cpi-cert-wizard fetch-root records it). Give --env neo or --env cf.</source>
        <translation>Profil {profile!r} verzeichnet nicht, ob der Tenant auf Neo oder Cloud Foundry läuft (cpi-cert-wizard fetch-root verzeichnet es). Geben Sie --env neo oder --env cf an.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{value!r} is not an environment; use neo or cf.</source>
        <translation>{value!r} ist keine Umgebung; verwenden Sie neo oder cf.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The user name is empty; give --user NAME (any name, up to 150 characters).</source>
        <translation>Der Benutzername ist leer; geben Sie --user NAME an (beliebiger Name, bis zu 150 Zeichen).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The user name {user!r} has leading or trailing spaces; the tenant compares it exactly. Remove them.</source>
        <translation>Der Benutzername {user!r} hat Leerzeichen am Anfang oder Ende; der Tenant vergleicht ihn exakt. Entfernen Sie sie.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The user name is {length} characters long; the tenant allows at most {limit}. Choose a shorter name.</source>
        <translation>Der Benutzername ist {length} Zeichen lang; der Tenant erlaubt höchstens {limit}. Wählen Sie einen kürzeren Namen.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The user name {user!r} contains a control character; remove it.</source>
        <translation>Der Benutzername {user!r} enthält ein Steuerzeichen; entfernen Sie es.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The user name {user!r} contains a space; the tenant takes a user name without spaces (for example ERP_PRD_SENDER). Use &apos;_&apos; or &apos;-&apos; instead.</source>
        <translation>Der Benutzername {user!r} enthält ein Leerzeichen; der Tenant nimmt Benutzernamen ohne Leerzeichen an (zum Beispiel ERP_PRD_SENDER). Verwenden Sie stattdessen &apos;_&apos; oder &apos;-&apos;.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{role!r} is not a valid role name: SAP allows only letters, digits, &apos;_&apos; and &apos;.&apos; (for example ESBMessaging.send); remove {bad}.</source>
        <translation>{role!r} ist kein gültiger Rollenname: SAP erlaubt nur Buchstaben, Ziffern, &apos;_&apos; und &apos;.&apos; (zum Beispiel ESBMessaging.send); entfernen Sie {bad}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{what} {value!r} may use only letters, digits, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;, starting with a letter or digit, so the cf command can be pasted as it is.</source>
        <translation>{what} {value!r} darf nur Buchstaben, Ziffern, &apos;.&apos;, &apos;_&apos; und &apos;-&apos; enthalten und muss mit einem Buchstaben oder einer Ziffer beginnen, damit der cf-Befehl unverändert eingefügt werden kann.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The service key validity must be a whole number of days above 0, not {value}.</source>
        <translation>Die Gültigkeit des Serviceschlüssels muss eine ganze Zahl von Tagen über 0 sein, nicht {value}.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The tenant compares the whole certificate, serial number included: a renewed or re-issued certificate needs a new mapping entry (keep the same user so its roles stay).</source>
        <translation>Der Tenant vergleicht das ganze Zertifikat einschließlich der Seriennummer: Ein erneuertes oder neu ausgestelltes Zertifikat braucht einen neuen Zuordnungseintrag (behalten Sie denselben Benutzer, damit seine Rollen bleiben).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>A certificate may sit in exactly one service key across all service instances; a second key with the same certificate makes calls fail with &apos;invalid_client … the client certificate is not configured exactly once in a service key&apos;.</source>
        <translation>Ein Zertifikat darf in genau einem Serviceschlüssel über alle Service-Instanzen hinweg stehen; ein zweiter Schlüssel mit demselben Zertifikat lässt Aufrufe scheitern mit &apos;invalid_client … the client certificate is not configured exactly once in a service key&apos;.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Pin Certificate is on by default: only this exact certificate is accepted, so a renewed certificate needs a new service key (then delete the old one).</source>
        <translation>„Pin Certificate“ ist standardmäßig eingeschaltet: Nur genau dieses Zertifikat wird akzeptiert, ein erneuertes Zertifikat braucht daher einen neuen Serviceschlüssel (danach den alten löschen).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Role changes on the service instance can take up to an hour to take effect; a 403 right after a change may only be that.</source>
        <translation>Rollenänderungen an der Service-Instanz können bis zu einer Stunde brauchen, bis sie wirken; ein 403 direkt nach einer Änderung kann nur daran liegen.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{role} is not a role for sending messages: roles like AuthGroup.Administrator, and the roles of the application ending in &apos;provision&apos;, let a user manage the tenant, not call integration flows. A sender needs ESBMessaging.send (or a custom role) on the runtime: Neo: the application ending in &apos;iflmap&apos;; Cloud Foundry: the integration-flow service instance.</source>
        <translation>{role} ist keine Rolle zum Senden von Nachrichten: Rollen wie AuthGroup.Administrator und die Rollen der Anwendung, die auf &apos;provision&apos; endet, erlauben die Verwaltung des Tenants, nicht den Aufruf von Integrationsflüssen. Ein Sender braucht ESBMessaging.send (oder eine eigene Rolle) auf der Laufzeit: Neo: die Anwendung, die auf &apos;iflmap&apos; endet; Cloud Foundry: die Serviceinstanz mit Plan integration-flow.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>--validity does not apply to an External Certificate service key: SAP documents the validity only for keys of type Certificate (SAP generates the key pair); an external certificate is valid as long as the certificate itself.</source>
        <translation>--validity gilt nicht für einen Serviceschlüssel vom Typ External Certificate: SAP dokumentiert die Gültigkeit nur für Schlüssel vom Typ Certificate (SAP erzeugt das Schlüsselpaar); ein externes Zertifikat gilt so lange wie das Zertifikat selbst.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The tenant is reached through the custom domain {domain}, with a customer-managed trust model: the load balancer of that domain accepts the CAs configured for it, so SAP&apos;s root list does not judge this chain; {cas}.</source>
        <translation>Der Tenant wird über die Custom Domain {domain} mit kundenverwaltetem Vertrauensmodell erreicht: Der Load Balancer dieser Domain akzeptiert die für sie konfigurierten CAs, daher beurteilt die Root-Liste von SAP diese Kette nicht; {cas}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>the chain is judged against the CAs in {file}</source>
        <translation>die Kette wird gegen die CAs in {file} geprüft</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>give the CAs configured for the domain with --custom-domain-cas FILE so the chain can be judged against them</source>
        <translation>geben Sie die für die Domain konfigurierten CAs mit --custom-domain-cas DATEI an, damit die Kette gegen sie geprüft werden kann</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Custom domain {domain} (SAP Custom Domain service; SAP&apos;s documentation of that service has the exact steps, this tool does not confirm them): map the domain to the Cloud Integration runtime, configure TLS for it with client authentication and the trusted CA certificates of your senders (customer-managed trust; include the CA of this certificate: {issuer}), point DNS at it, then let senders call https://{domain}/http/&lt;address&gt;.</source>
        <translation>Custom Domain {domain} (SAP Custom Domain Service; die genauen Schritte stehen in der SAP-Dokumentation dieses Service, dieses Programm bestätigt sie nicht): ordnen Sie die Domain der Laufzeit von Cloud Integration zu, konfigurieren Sie TLS dafür mit Client-Authentifizierung und den vertrauenswürdigen CA-Zertifikaten Ihrer Sender (kundenverwaltetes Vertrauen; einschließlich der CA dieses Zertifikats: {issuer}), richten Sie DNS darauf aus und lassen Sie die Sender dann https://{domain}/http/&lt;address&gt; aufrufen.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Trial tenants do not support certificate login at all; use a paid tenant.</source>
        <translation>Trial-Tenants unterstützen die Anmeldung mit Zertifikat überhaupt nicht; verwenden Sie einen kostenpflichtigen Tenant.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Do not add the deprecated grant type client_x509 to the instance: it blocks creating new service keys. Keep grant-types at client_credentials.</source>
        <translation>Fügen Sie der Instanz nicht den veralteten Grant-Typ client_x509 hinzu: Er verhindert das Anlegen neuer Serviceschlüssel. Lassen Sie grant-types bei client_credentials.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The certificate is valid only from {date}; calls with it fail until then.</source>
        <translation>Das Zertifikat ist erst ab {date} gültig; Aufrufe damit scheitern bis dahin.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The certificate expires on {date} ({days} days left); plan its renewal now: {renewal_how}</source>
        <translation>Das Zertifikat läuft am {date} ab (noch {days} Tage); planen Sie jetzt seine Erneuerung: {renewal_how}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>on Neo that means a new mapping entry.</source>
        <translation>Auf Neo bedeutet das einen neuen Zuordnungseintrag.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>on Cloud Foundry that means a new service key.</source>
        <translation>Auf Cloud Foundry bedeutet das einen neuen Serviceschlüssel.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This certificate replaces an earlier one. The tenant matches the whole certificate, so the old mapping entry does not cover it: add the new entry (this run&apos;s files) for user {user}, and delete the old entry once the sender uses the new certificate.
  old SHA-256: {old}
  new SHA-256: {new}</source>
        <translation>Dieses Zertifikat ersetzt ein früheres. Der Tenant vergleicht das ganze Zertifikat, daher deckt der alte Zuordnungseintrag es nicht ab: Fügen Sie den neuen Eintrag (die Dateien dieses Laufs) für den Benutzer {user} hinzu und löschen Sie den alten Eintrag, sobald der Sender das neue Zertifikat verwendet.
  alter SHA-256: {old}
  neuer SHA-256: {new}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>This certificate replaces an earlier one. With pinning on (the default) the old service key does not accept it: create the new key (this run&apos;s service-key.json), switch the sender, then delete the old key.
  old SHA-256: {old}
  new SHA-256: {new}</source>
        <translation>Dieses Zertifikat ersetzt ein früheres. Mit eingeschaltetem Pinning (Standard) akzeptiert der alte Serviceschlüssel es nicht: Legen Sie den neuen Schlüssel an (service-key.json dieses Laufs), stellen Sie den Sender um und löschen Sie dann den alten Schlüssel.
  alter SHA-256: {old}
  neuer SHA-256: {new}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Cloud Integration → Monitor → Manage Security → Certificate-to-User Mappings → Add: user {user}, certificate {cer} (or let this tool publish it with --publish). The tenant will show Id {id}.</source>
        <translation>Cloud Integration → Überwachen → Sicherheit verwalten → Zertifikat-zu-Benutzer-Zuordnungen → Hinzufügen: Benutzer {user}, Zertifikat {cer} (oder lassen Sie dieses Programm es mit --publish veröffentlichen). Der Tenant zeigt die Id {id}.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Create the custom role {role}: SAP BTP cockpit → your Neo subaccount → Applications → Subscriptions → the application ending in &apos;iflmap&apos; → Roles → New Role.</source>
        <translation>Legen Sie die eigene Rolle {role} an: SAP BTP Cockpit → Ihr Neo-Subaccount → Anwendungen → Abonnements → die Anwendung, die auf &apos;iflmap&apos; endet → Rollen → Neue Rolle.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Give user {user} the role {role}: SAP BTP cockpit → your Neo subaccount → Security → Authorizations → User {user} → Show Assignments → Assign → the application ending in &apos;iflmap&apos; → role {role}.</source>
        <translation>Geben Sie dem Benutzer {user} die Rolle {role}: SAP BTP Cockpit → Ihr Neo-Subaccount → Sicherheit → Berechtigungen → Benutzer {user} → Zuordnungen anzeigen → Zuordnen → die Anwendung, die auf &apos;iflmap&apos; endet → Rolle {role}.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Log in to the Cloud Foundry space of the subaccount that holds Cloud Integration: cf login -a &lt;API endpoint from the subaccount overview&gt;, then cf target -o &lt;org&gt; -s &lt;space&gt;.</source>
        <translation>Melden Sie sich im Cloud-Foundry-Space des Subaccounts an, der Cloud Integration enthält: cf login -a &lt;API-Endpunkt aus der Subaccount-Übersicht&gt;, dann cf target -o &lt;org&gt; -s &lt;space&gt;.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Create the Process Integration Runtime instance {instance} (plan integration-flow) with the roles {roles} from {file}. Skip this if an instance with these roles exists already; then pass its name with --instance. In the cockpit: Instances and Subscriptions → Create.</source>
        <translation>Legen Sie die Instanz {instance} von Process Integration Runtime (Plan integration-flow) mit den Rollen {roles} aus {file} an. Überspringen Sie das, wenn bereits eine Instanz mit diesen Rollen existiert; geben Sie dann ihren Namen mit --instance an. Im Cockpit: Instanzen und Abonnements → Anlegen.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Create the service key {key} with the certificate from {file} (key type External Certificate; in the cockpit: the instance → Create Service Key → upload {pem}, the leaf only, never the chain).</source>
        <translation>Legen Sie den Serviceschlüssel {key} mit dem Zertifikat aus {file} an (Schlüsseltyp External Certificate; im Cockpit: die Instanz → Serviceschlüssel anlegen → {pem} hochladen, nur das Endzertifikat, nie die Kette).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>In the integration flow&apos;s sender channel: Authorization = User Role, user role {roles}; deploy the flow.</source>
        <translation>Im Sender-Kanal des Integrationsflusses: Berechtigung = Benutzerrolle, Benutzerrolle {roles}; den Integrationsfluss deployen.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Call the endpoint: cpi-cert-wizard test-call --profile {profile}. In Monitor → System Log Files → http_access_&lt;node&gt;_&lt;date&gt;.log the user field shows {before} while the certificate reaches the tenant but is not yet mapped, {after} once it works, and &apos;-&apos; when no certificate arrived at all (send the whole chain).</source>
        <translation>Rufen Sie den Endpunkt auf: cpi-cert-wizard test-call --profile {profile}. Unter Überwachen → Systemprotokolldateien → http_access_&lt;node&gt;_&lt;date&gt;.log zeigt das Benutzerfeld {before}, solange das Zertifikat den Tenant erreicht, aber noch nicht zugeordnet ist, {after}, sobald es funktioniert, und &apos;-&apos;, wenn gar kein Zertifikat ankam (senden Sie die ganze Kette).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the service key&apos;s clientid (see: cf service-key {instance} {key})</source>
        <translation>die clientid des Serviceschlüssels (siehe: cf service-key {instance} {key})</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Second option, not recommended by SAP: the certificate is part of the integration flow, so every certificate change (each renewal, a new issuing CA) means editing the flow and redeploying it, and calls with the new certificate fail until then (downtime). The recommended option is {recommended}: cpi-cert-wizard mapping --profile {profile}</source>
        <translation>Zweite, von SAP nicht empfohlene Möglichkeit: Das Zertifikat ist Teil des Integrationsflusses, daher bedeutet jede Zertifikatsänderung (jede Erneuerung, eine neue ausstellende CA) Bearbeiten und erneutes Deployment des Integrationsflusses, und Aufrufe mit dem neuen Zertifikat scheitern bis dahin (Ausfallzeit). Die empfohlene Möglichkeit ist {recommended}: cpi-cert-wizard mapping --profile {profile}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>With this option the tenant checks only the certificate&apos;s subject and issuer DN (SAP: &quot;Tenant checks the permissions of the sender by evaluating the certificate&apos;s subject/issuer distinguished name (DN)&quot;): any certificate the same CA issues with the same subject passes, not only this one.</source>
        <translation>Bei dieser Option prüft der Tenant nur Subject-DN und Issuer-DN des Zertifikats (SAP: &quot;Tenant checks the permissions of the sender by evaluating the certificate&apos;s subject/issuer distinguished name (DN)&quot;): jedes Zertifikat, das dieselbe CA mit demselben Subject ausstellt, wird akzeptiert, nicht nur dieses.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>a Certificate-to-User Mapping</source>
        <translation>eine Zertifikat-zu-Benutzer-Zuordnung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a service key holding the certificate</source>
        <translation>ein Serviceschlüssel mit dem Zertifikat</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>To renew without refusing calls: add the new certificate to the channel next to the old one and redeploy, switch the sender to the new certificate, then remove the old one and redeploy again.</source>
        <translation>Erneuern ohne abgelehnte Aufrufe: Fügen Sie das neue Zertifikat neben dem alten im Kanal hinzu und deployen Sie, stellen Sie den Sender auf das neue Zertifikat um, entfernen Sie dann das alte und deployen Sie erneut.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The {which} DN holds attribute types ({names}) that not every program knows by these names; if the channel does not take the typed DN, upload {crt} instead.</source>
        <translation>Der {which}-DN enthält Attributtypen ({names}), die nicht jedes Programm unter diesen Namen kennt; nimmt der Kanal den eingegebenen DN nicht an, laden Sie stattdessen {crt} hoch.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cloud Foundry: SAP documents certificate login through a service key of the Process Integration Runtime; whether a call also needs one when the channel checks the certificate itself is not confirmed. If the test call gets 401, create the External Certificate service key as well: cpi-cert-wizard mapping --profile {profile} --env cf</source>
        <translation>Cloud Foundry: SAP dokumentiert die Anmeldung mit Zertifikat über einen Serviceschlüssel von Process Integration Runtime; ob ein Aufruf auch dann einen braucht, wenn der Kanal das Zertifikat selbst prüft, ist nicht bestätigt. Bekommt der Testaufruf 401, legen Sie zusätzlich den Serviceschlüssel External Certificate an: cpi-cert-wizard mapping --profile {profile} --env cf</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>here that means the new certificate in the flow and a redeploy.</source>
        <translation>Hier bedeutet das das neue Zertifikat im Integrationsfluss und ein erneutes Deployment.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This certificate replaces an earlier one. The channel accepts only the certificates in its list: add this one ({crt}) next to the old one, redeploy, switch the sender, then remove the old one and redeploy again.
  old SHA-256: {old}
  new SHA-256: {new}</source>
        <translation>Dieses Zertifikat ersetzt ein früheres. Der Kanal akzeptiert nur die Zertifikate in seiner Liste: Fügen Sie dieses ({crt}) neben dem alten hinzu, deployen Sie, stellen Sie den Sender um, entfernen Sie dann das alte und deployen Sie erneut.
  alter SHA-256: {old}
  neuer SHA-256: {new}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Open the integration flow (Design), select the sender channel (HTTPS, SOAP, IDoc, AS2 …) → Connection → Authorization = Client Certificate → Add → Select {crt}; or, in the same dialog, type the Subject DN and Issuer DN exactly as printed.</source>
        <translation>Öffnen Sie den Integrationsfluss (Design), wählen Sie den Sender-Kanal (HTTPS, SOAP, IDoc, AS2 …) → Verbindung → Berechtigung = Client-Zertifikat → Hinzufügen → {crt} auswählen; oder geben Sie im selben Dialog Subject-DN und Issuer-DN genau wie ausgegeben ein.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Save and deploy the integration flow; the channel knows the certificate only once the flow runs again.</source>
        <translation>Sichern und deployen Sie den Integrationsfluss; der Kanal kennt das Zertifikat erst, wenn der Integrationsfluss wieder läuft.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Call the endpoint: cpi-cert-wizard test-call --profile {profile}. A 403 whose default trace (ljs_trace_&lt;node&gt;_&lt;date&gt;.log) says the subject and issuer are not contained in the accepted subjectAndIssuers list means the channel&apos;s list lacks this certificate: compare the DNs (cpi-cert-wizard analyze-log reads the trace).</source>
        <translation>Rufen Sie den Endpunkt auf: cpi-cert-wizard test-call --profile {profile}. Ein 403, dessen Standard-Trace (ljs_trace_&lt;node&gt;_&lt;date&gt;.log) sagt, dass Subject und Issuer nicht in der akzeptierten subjectAndIssuers-Liste enthalten sind, bedeutet, dass diesem Kanal das Zertifikat in seiner Liste fehlt: Vergleichen Sie die DNs (cpi-cert-wizard analyze-log liest den Trace).</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Cloud Integration → Monitor → Manage Security → Certificate-to-User Mappings → Add: user {user}, certificate {cer} (or let the wizard publish it on this page). The tenant will show Id {id}.</source>
        <translation>Cloud Integration → Monitor → Manage Security → Certificate-to-User Mappings → Add: Benutzer {user}, Zertifikat {cer} (oder lassen Sie den Assistenten die Zuordnung auf dieser Seite veröffentlichen). Der Tenant zeigt dann die Id {id}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Create the Process Integration Runtime instance {instance} (plan integration-flow) with the roles {roles} from {file}. Skip this if an instance with these roles exists already and give its name on this page. In the cockpit: Instances and Subscriptions → Create.</source>
        <translation>Legen Sie die Process-Integration-Runtime-Instanz {instance} (Plan integration-flow) mit den Rollen {roles} aus {file} an. Überspringen Sie das, wenn es schon eine Instanz mit diesen Rollen gibt, und geben Sie deren Namen auf dieser Seite an. Im Cockpit: Instances and Subscriptions → Create.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Call the endpoint on the next page (Test call). In Monitor → System Log Files → http_access_&lt;node&gt;_&lt;date&gt;.log the user field shows {before} while the certificate reaches the tenant but is not yet mapped, {after} once it works, and &apos;-&apos; when no certificate arrived at all (send the whole chain).</source>
        <translation>Rufen Sie den Endpunkt auf der nächsten Seite auf (Testaufruf). In Monitor → System Log Files → http_access_&lt;node&gt;_&lt;date&gt;.log zeigt das Benutzerfeld {before}, solange das Zertifikat den Tenant erreicht, aber noch nicht zugeordnet ist, {after}, sobald es funktioniert, und &apos;-&apos;, wenn gar kein Zertifikat ankam (senden Sie die ganze Kette).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Call the endpoint on the next page (Test call). A 403 whose default trace (ljs_trace_&lt;node&gt;_&lt;date&gt;.log) says the subject and issuer are not contained in the accepted subjectAndIssuers list means the channel&apos;s list lacks this certificate: compare the DNs.</source>
        <translation>Rufen Sie den Endpunkt auf der nächsten Seite auf (Testaufruf). Ein 403, zu dem der Default-Trace (ljs_trace_&lt;node&gt;_&lt;date&gt;.log) meldet, dass Subject und Issuer nicht in der akzeptierten subjectAndIssuers-Liste stehen, bedeutet: Der Liste des Sender-Kanals fehlt dieses Zertifikat. Vergleichen Sie die DNs.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Second option, not recommended by SAP: the certificate is part of the integration flow, so every certificate change (each renewal, a new issuing CA) means editing the flow and redeploying it, and calls with the new certificate fail until then (downtime). The recommended option is {recommended}, on this page.</source>
        <translation>Zweite Möglichkeit, von SAP nicht empfohlen: Das Zertifikat ist Teil des Integrationsflusses, also bedeutet jeder Zertifikatswechsel (jede Erneuerung, eine neue ausstellende CA), den Fluss zu ändern und neu zu deployen, und Aufrufe mit dem neuen Zertifikat scheitern bis dahin (Ausfallzeit). Die empfohlene Möglichkeit ist {recommended}, auf dieser Seite.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cloud Foundry: SAP documents certificate login through a service key of the Process Integration Runtime; whether a call also needs one when the channel checks the certificate itself is not confirmed. If the test call gets 401, create the External Certificate service key as well (the Cloud Foundry choice on this page).</source>
        <translation>Cloud Foundry: SAP dokumentiert die Anmeldung per Zertifikat über einen Serviceschlüssel der Process Integration Runtime; ob ein Aufruf auch dann einen braucht, wenn der Kanal das Zertifikat selbst prüft, ist nicht bestätigt. Bekommt der Testaufruf 401, legen Sie zusätzlich den Serviceschlüssel vom Typ External Certificate an (die Wahl Cloud Foundry auf dieser Seite).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Profile {profile!r} does not record whether the tenant runs on Neo or Cloud Foundry: choose the environment on the first step.</source>
        <translation>Profil {profile!r} hält nicht fest, ob der Tenant auf Neo oder Cloud Foundry läuft: Wählen Sie die Umgebung im ersten Schritt.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Profile {profile!r} has no certificate yet (state {state}). Import the CA&apos;s reply first on the step &apos;Signed certificate&apos;.</source>
        <translation>Das Profil {profile!r} hat noch kein Zertifikat (Status {state}). Importieren Sie zuerst die Antwort der CA im Schritt „Signiertes Zertifikat“.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Profile {profile!r} is marked {state} but its certificate file {file} is missing. Import the CA&apos;s reply again on the step &apos;Signed certificate&apos;.</source>
        <translation>Das Profil {profile!r} ist als {state} markiert, aber seine Zertifikatsdatei {file} fehlt. Importieren Sie die Antwort der CA erneut im Schritt „Signiertes Zertifikat“.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{file} of profile {profile!r} holds no readable PEM certificate ({reason}). Import the CA&apos;s reply again on the step &apos;Signed certificate&apos;.</source>
        <translation>{file} des Profils {profile!r} enthält kein lesbares PEM-Zertifikat ({reason}). Importieren Sie die Antwort der CA erneut im Schritt „Signiertes Zertifikat“.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{file} of profile {profile!r} starts with certificate SHA-256 {found}, but the profile records {recorded}. Import the CA&apos;s reply again on the step &apos;Signed certificate&apos; so both agree.</source>
        <translation>{file} des Profils {profile!r} beginnt mit dem Zertifikat SHA-256 {found}, das Profil verzeichnet aber {recorded}. Importieren Sie die Antwort der CA erneut im Schritt „Signiertes Zertifikat“, damit beide übereinstimmen.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The certificate of profile {profile!r} ({subject}) expired on {date}; the tenant refuses it. Renew it first: make a new key and request on the step &apos;Key and certificate request&apos;, have the CA sign it, then import the reply.</source>
        <translation>Das Zertifikat des Profils {profile!r} ({subject}) ist am {date} abgelaufen; der Tenant lehnt es ab. Erneuern Sie es zuerst: Erzeugen Sie im Schritt „Schlüssel und Zertifikatsanforderung“ einen neuen Schlüssel und eine neue Anforderung, lassen Sie sie von der CA signieren und importieren Sie dann die Antwort.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The user name is empty; give the user the certificate maps to (any name, up to 150 characters).</source>
        <translation>Der Benutzername ist leer; geben Sie den Benutzer an, dem das Zertifikat zugeordnet wird (beliebiger Name, bis zu 150 Zeichen).</translation>
    </message>
    <message>
        <location line="+224"/>
        <source>nothing (the name is empty)</source>
        <translation>nichts (der Name ist leer)</translation>
    </message>
    <message>
        <location line="+161"/>
        <source>The instance name</source>
        <translation>Der Instanzname</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The key name</source>
        <translation>Der Schlüsselname</translation>
    </message>
    <message>
        <location line="+170"/>
        <source>Subject</source>
        <translation>Subject</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Issuer</source>
        <translation>Issuer</translation>
    </message>
    <message>
        <location line="+100"/>
        <source>--out {out} is a file; give a folder.</source>
        <translation>--out {out} ist eine Datei; geben Sie einen Ordner an.</translation>
    </message>
    <message>
        <location filename="../wizard/commands/mapping.py" line="+54"/>
        <source>upload in Certificate-to-User Mappings</source>
        <translation>Hochladen unter Zertifikat-zu-Benutzer-Zuordnungen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>body for POST /api/v1/CertificateUserMappings</source>
        <translation>Body für POST /api/v1/CertificateUserMappings</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>parameters of cf create-service</source>
        <translation>Parameter für cf create-service</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>parameters of cf create-service-key</source>
        <translation>Parameter für cf create-service-key</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the leaf certificate, for the cockpit&apos;s upload</source>
        <translation>das Endzertifikat, zum Hochladen im Cockpit</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>upload in the sender channel: Authorization = Client Certificate → Add → Select</source>
        <translation>Hochladen im Sender-Kanal: Berechtigung = Client-Zertifikat → Hinzufügen → Auswählen</translation>
    </message>
    <message>
        <location line="+94"/>
        <source>{flags} is for the mapping or service key; with --flow-certificate the integration flow itself checks the certificate (no user, no role). Drop it, or drop --flow-certificate.</source>
        <translation>{flags} gilt für die Zuordnung oder den Serviceschlüssel; mit --flow-certificate prüft der Integrationsfluss selbst das Zertifikat (kein Benutzer, keine Rolle). Lassen Sie die Option weg, oder lassen Sie --flow-certificate weg.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{flags} are for the mapping or service key; with --flow-certificate the integration flow itself checks the certificate (no user, no role). Drop them, or drop --flow-certificate.</source>
        <translation>{flags} gelten für die Zuordnung oder den Serviceschlüssel; mit --flow-certificate prüft der Integrationsfluss selbst das Zertifikat (kein Benutzer, keine Rolle). Lassen Sie diese Optionen weg, oder lassen Sie --flow-certificate weg.</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>{flags} is for Cloud Foundry service keys; drop it for Neo.</source>
        <translation>{flags} gilt für Serviceschlüssel in Cloud Foundry; lassen Sie die Option für Neo weg.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>--user is for Neo mappings; on Cloud Foundry the service key&apos;s clientid is the user.</source>
        <translation>--user gilt für Zuordnungen in Neo; in Cloud Foundry ist die clientid des Serviceschlüssels der Benutzer.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>{flags} only work with --publish.</source>
        <translation>{flags} funktionieren nur mit --publish.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>--publish is for Neo (the CertificateUserMappings API); on Cloud Foundry run the printed cf commands instead.</source>
        <translation>--publish gilt für Neo (die API CertificateUserMappings); führen Sie in Cloud Foundry stattdessen die ausgegebenen cf-Befehle aus.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>--publish needs --tmn https://&lt;account&gt;-tmn.hci.&lt;region&gt;.hana.ondemand.com.</source>
        <translation>--publish braucht --tmn https://&lt;account&gt;-tmn.hci.&lt;region&gt;.hana.ondemand.com.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>--publish needs exactly one of --tmn-user USER (basic authentication) or --tmn-client-id ID with --tmn-token-url URL (OAuth client credentials).</source>
        <translation>--publish braucht genau eines von beiden: --tmn-user USER (Basisauthentifizierung) oder --tmn-client-id ID mit --tmn-token-url URL (OAuth Client Credentials).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>--tmn-client-id needs --tmn-token-url (the subaccount&apos;s OAuth token endpoint, …/oauth2/api/v1/token).</source>
        <translation>--tmn-client-id braucht --tmn-token-url (den OAuth-Token-Endpunkt des Subaccounts, …/oauth2/api/v1/token).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>--tmn-token-url only works with --tmn-client-id.</source>
        <translation>--tmn-token-url funktioniert nur mit --tmn-client-id.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>{message} The stored secret was removed from the keyring; run again to enter the right one.</source>
        <translation>{message} Das gespeicherte Geheimnis wurde aus dem Schlüsselbund entfernt; führen Sie den Befehl erneut aus, um das richtige einzugeben.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>secret from the keyring ({keyring})</source>
        <translation>Geheimnis aus dem Schlüsselbund ({keyring})</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>secret from {variable} (not stored)</source>
        <translation>Geheimnis aus {variable} (nicht gespeichert)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>secret stored in {place}</source>
        <translation>Geheimnis gespeichert in {place}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>secret not stored (no keyring); you will be asked again</source>
        <translation>Geheimnis nicht gespeichert (kein Schlüsselbund); Sie werden erneut gefragt</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>--custom-domain-cas needs --custom-domain HOST.</source>
        <translation>--custom-domain-cas braucht --custom-domain HOST.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>the trusted CAs of the custom domain</source>
        <translation>die vertrauenswürdigen CAs der Custom Domain</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>Publishing the mapping for {user!r} to {tmn} …</source>
        <translation>Zuordnung für {user!r} wird in {tmn} veröffentlicht …</translation>
    </message>
    <message>
        <location line="+87"/>
        <source>Certificate: {subject}</source>
        <translation>Zertifikat: {subject}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  issued by {issuer}, valid until {until} UTC</source>
        <translation>  ausgestellt von {issuer}, gültig bis {until} UTC</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>  (also kept in the profile folder {folder})</source>
        <translation>  (auch im Profilordner {folder} abgelegt)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Renewal:</source>
        <translation>Erneuerung:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Mind:</source>
        <translation>Beachten Sie:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Checklist:</source>
        <translation>Checkliste:</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Tenant entry for profile {profile} ({environment})</source>
        <translation>Eintrag im Tenant für Profil {profile} ({environment})</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>User: {user}    Roles: {roles}</source>
        <translation>Benutzer: {user}    Rollen: {roles}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Mapping Id the tenant assigns: {id}</source>
        <translation>Id der Zuordnung, die der Tenant vergibt: {id}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Service instance: {instance}    Roles: {roles}</source>
        <translation>Serviceinstanz: {instance}    Rollen: {roles}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Service key: {key} (External Certificate)</source>
        <translation>Serviceschlüssel: {key} (External Certificate)</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+118"/>
        <source>Files in {folder}:</source>
        <translation>Dateien in {folder}:</translation>
    </message>
    <message>
        <location line="-110"/>
        <source>Published: Id {id}, user {user}, valid until {until} UTC ({note}).</source>
        <translation>Veröffentlicht: Id {id}, Benutzer {user}, gültig bis {until} UTC ({note}).</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>  note: the tenant&apos;s Id differs from the MD5 of the certificate ({id}); check the entry in the tenant.</source>
        <translation>  Hinweis: Die Id im Tenant weicht vom MD5 des Zertifikats ab ({id}); prüfen Sie den Eintrag im Tenant.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>  (run the cf commands in that folder: cd {folder})</source>
        <translation>  (führen Sie die cf-Befehle in diesem Ordner aus: cd {folder})</translation>
    </message>
    <message>
        <location line="+74"/>
        <source>Certificate in the integration flow for profile {profile} ({environment}): the second option, not recommended</source>
        <translation>Zertifikat im Integrationsfluss für Profil {profile} ({environment}): die zweite, nicht empfohlene Möglichkeit</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Or type them into the same dialog (Add → Subject DN and Issuer DN), exactly as here:</source>
        <translation>Oder geben Sie sie im selben Dialog ein (Hinzufügen → Subject-DN und Issuer-DN), genau wie hier:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>  Subject DN: {dn}</source>
        <translation>  Subject-DN: {dn}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  Issuer DN:  {dn}</source>
        <translation>  Issuer-DN:  {dn}</translation>
    </message>
</context>
<context>
    <name>neo_api</name>
    <message>
        <location filename="../wizard/core/neo_api.py" line="-32"/>
        <source>{tmn!r} is not an https URL of the tenant&apos;s management host; give https://&lt;account&gt;-tmn.hci.&lt;region&gt;.hana.ondemand.com.</source>
        <translation>{tmn!r} ist keine https-URL des Management-Hosts des Tenants; geben Sie https://&lt;account&gt;-tmn.hci.&lt;region&gt;.hana.ondemand.com an.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{host} is the runtime (iflmap) host; the API lives on the management host https://&lt;account&gt;-tmn.hci.&lt;region&gt;.hana.ondemand.com.</source>
        <translation>{host} ist der Runtime-Host (iflmap); die API liegt auf dem Management-Host https://&lt;account&gt;-tmn.hci.&lt;region&gt;.hana.ondemand.com.</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>The token URL {url!r} must be an https URL (the OAuth token endpoint of the subaccount, …/oauth2/api/v1/token).</source>
        <translation>Die Token-URL {url!r} muss eine https-URL sein (der OAuth-Token-Endpunkt des Subaccounts, …/oauth2/api/v1/token).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The token endpoint {url} refused client {client!r} (HTTP {status}). Check the client id and its secret.</source>
        <translation>Der Token-Endpunkt {url} hat den Client {client!r} abgelehnt (HTTP {status}). Prüfen Sie die Client-ID und ihr Geheimnis.</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+1"/>
        <source>the token request</source>
        <translation>die Token-Anforderung</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{url} answered without an access_token; is it the OAuth token endpoint?</source>
        <translation>{url} hat ohne access_token geantwortet; ist das der OAuth-Token-Endpunkt?</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>another page</source>
        <translation>eine andere Seite</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{url} answered {what} with a redirect to {target} (HTTP {status}), usually a login page: check that the URL is the tenant&apos;s tmn host and that this user may log in with a password (or use --tmn-client-id).</source>
        <translation>{url} hat auf {what} mit einer Umleitung auf {target} geantwortet (HTTP {status}), meist eine Anmeldeseite: Prüfen Sie, ob die URL der tmn-Host des Tenants ist und ob sich dieser Benutzer mit Passwort anmelden darf (oder verwenden Sie --tmn-client-id).</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{url} answered {what} with HTTP {status}: {snippet}</source>
        <translation>{url} hat auf {what} mit HTTP {status} geantwortet: {snippet}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{url} answered {what} with HTTP {status}.</source>
        <translation>{url} hat auf {what} mit HTTP {status} geantwortet.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The tenant {host} refused the credentials of user {name!r} (HTTP 401). Check the name and its secret.</source>
        <translation>Der Tenant {host} hat die Anmeldedaten des Benutzers {name!r} abgelehnt (HTTP 401). Prüfen Sie den Namen und sein Geheimnis.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The tenant {host} refused the credentials of OAuth client {name!r} (HTTP 401). Check the name and its secret.</source>
        <translation>Der Tenant {host} hat die Anmeldedaten des OAuth-Clients {name!r} abgelehnt (HTTP 401). Prüfen Sie den Namen und sein Geheimnis.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>{url} does not exist (HTTP 404). Give the Neo tenant&apos;s management host (…-tmn.hci.…); Cloud Foundry tenants have no certificate-to-user mappings.</source>
        <translation>{url} existiert nicht (HTTP 404). Geben Sie den Management-Host des Neo-Tenants an (…-tmn.hci.…); Cloud-Foundry-Tenants haben keine Zertifikat-zu-Benutzer-Zuordnungen.</translation>
    </message>
    <message>
        <location line="+58"/>
        <source>{host} refused {name!r} access to the API (HTTP 403). Give that user the permission CertificateUserMappings.Write.</source>
        <translation>{host} hat {name!r} den Zugriff auf die API verweigert (HTTP 403). Geben Sie diesem Benutzer die Berechtigung CertificateUserMappings.Write.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>the CSRF token request</source>
        <translation>die CSRF-Token-Anforderung</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> The answer was an HTML page, probably a login page.</source>
        <translation> Die Antwort war eine HTML-Seite, vermutlich eine Anmeldeseite.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{host} did not hand out a CSRF token (HTTP {status} to &apos;X-CSRF-Token: Fetch&apos;), so it would refuse the POST with 403.{page} Check that the URL is the tenant&apos;s tmn host and that no proxy or single sign-on page is in between.</source>
        <translation>{host} hat kein CSRF-Token ausgegeben (HTTP {status} auf &apos;X-CSRF-Token: Fetch&apos;), würde den POST also mit 403 ablehnen.{page} Prüfen Sie, ob die URL der tmn-Host des Tenants ist und ob weder ein Proxy noch eine Single-Sign-on-Seite dazwischenliegt.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>{host} refused the POST because the CSRF token or the session cookie was not accepted (HTTP 403, X-CSRF-Token: Required). A proxy may be dropping cookies; try again without it.</source>
        <translation>{host} hat den POST abgelehnt, weil das CSRF-Token oder das Sitzungs-Cookie nicht akzeptiert wurde (HTTP 403, X-CSRF-Token: Required). Womöglich verwirft ein Proxy Cookies; versuchen Sie es ohne ihn erneut.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{host} refused to store the mapping for {name!r} (HTTP 403). That user needs the permission CertificateUserMappings.Write.</source>
        <translation>{host} hat das Speichern der Zuordnung für {name!r} abgelehnt (HTTP 403). Dieser Benutzer braucht die Berechtigung CertificateUserMappings.Write.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>the mapping</source>
        <translation>die Zuordnung</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+1"/>
        <source>the read-back</source>
        <translation>das Zurücklesen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>After the POST, {host} lists no mapping with Id {id} for user {user!r} (entries found: {ids}). Check Certificate-to-User Mappings in the tenant.</source>
        <translation>Nach dem POST führt {host} keine Zuordnung mit der Id {id} für den Benutzer {user!r} (gefundene Einträge: {ids}). Prüfen Sie die Zertifikat-zu-Benutzer-Zuordnungen im Tenant.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>{host} returned the mapping without a readable ValidUntil ({value!r}).</source>
        <translation>{host} hat die Zuordnung ohne lesbares ValidUntil zurückgegeben ({value!r}).</translation>
    </message>
</context>
<context>
    <name>p12</name>
    <message>
        <location filename="../wizard/core/p12.py" line="+23"/>
        <source>AES-256-CBC with a SHA-256 MAC (PBES2): for current Java, OpenSSL 3, SAP sapgenpse, Windows 10/Server 2019 and newer, Postman.</source>
        <translation>AES-256-CBC mit SHA-256-MAC (PBES2): für aktuelles Java, OpenSSL 3, SAP sapgenpse, Windows 10/Server 2019 und neuer, Postman.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>3DES with a SHA-1 MAC: only for old consumers (Windows Server 2012-2016, older macOS Keychain, Android 12 and older, old Java or SAP kernels) that otherwise report &apos;wrong password&apos; or &apos;MAC verification failed&apos;.</source>
        <translation>3DES mit SHA-1-MAC: nur für alte Empfänger (Windows Server 2012–2016, ältere macOS-Schlüsselbundverwaltung, Android 12 und älter, altes Java oder alte SAP-Kernel), die sonst „falsches Passwort“ oder „MAC verification failed“ melden.</translation>
    </message>
    <message>
        <location line="+62"/>
        <source>{source} could not be opened: the password is wrong, or it is not a PKCS#12 (.p12/.pfx) file. Check the password; if the file came from a CA portal, download it again as PKCS#12.</source>
        <translation>{source} konnte nicht geöffnet werden: Das Passwort ist falsch, oder es ist keine PKCS#12-Datei (.p12/.pfx). Prüfen Sie das Passwort; stammt die Datei aus einem CA-Portal, laden Sie sie erneut als PKCS#12 herunter.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{source} holds no private key (only certificates). Export it again including the private key, or use import-reply for certificates alone.</source>
        <translation>{source} enthält keinen privaten Schlüssel (nur Zertifikate). Exportieren Sie sie erneut einschließlich des privaten Schlüssels, oder verwenden Sie import-reply für reine Zertifikate.</translation>
    </message>
</context>
<context>
    <name>prechecks</name>
    <message>
        <location filename="../wizard/core/prechecks.py" line="-160"/>
        <source>pre-check {name}: {mark}: {detail}</source>
        <translation>Vorprüfung {name}: {mark}: {detail}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>chain complete</source>
        <translation>Kette vollständig</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>valid now</source>
        <translation>jetzt gültig</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>clientAuth</source>
        <translation>clientAuth</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>chain valid</source>
        <translation>Kette gültig</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>root accepted</source>
        <translation>Stammzertifikat akzeptiert</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>ok</source>
        <translation>ok</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PROBLEM</source>
        <translation>PROBLEM</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>the certificate {subject} is self-signed; load balancers never accept a self-signed client certificate</source>
        <translation>das Zertifikat {subject} ist selbstsigniert; Load Balancer akzeptieren nie ein selbstsigniertes Client-Zertifikat</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>we send {sent}, which reaches the root {root}</source>
        <translation>wir senden {sent}, was bis zum Stammzertifikat {root} reicht</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>we send {sent}, but not the certificate of its issuer {missing}: the load balancer, which knows only roots, cannot build the chain</source>
        <translation>wir senden {sent}, aber nicht das Zertifikat seines Ausstellers {missing}: Der Load Balancer kennt nur Stammzertifikate und kann die Kette nicht bilden</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{subject} is valid from {start} to {end}</source>
        <translation>{subject} ist gültig von {start} bis {end}</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>the leaf is valid until {end}</source>
        <translation>das Blattzertifikat ist gültig bis {end}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>clientAuth is in Extended Key Usage</source>
        <translation>clientAuth steht in Extended Key Usage</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>{name} is among {accepted}</source>
        <translation>{name} ist unter {accepted}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the chain ends at {top}, which is not among {accepted} ({listed})</source>
        <translation>die Kette endet bei {top}, das nicht unter {accepted} ist ({listed})</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the chain&apos;s root is not known, so it cannot be judged</source>
        <translation>das Stammzertifikat der Kette ist nicht bekannt und kann daher nicht beurteilt werden</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{name} is on {version}</source>
        <translation>{name} steht auf {version}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{name} has expired and is no longer on {version}</source>
        <translation>{name} ist abgelaufen und steht nicht mehr auf {version}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{name} is not among {version}</source>
        <translation>{name} ist nicht unter {version}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>not confirmed: {name} was removed from {version}; SAP&apos;s Neo page of trusted root CAs (April 2026) still lists some removed roots, and SAP Note 2801396 is the authoritative list</source>
        <translation>nicht bestätigt: {name} wurde von {version} entfernt; SAPs Neo-Seite der vertrauenswürdigen Stamm-CAs (April 2026) führt noch einige entfernte Stammzertifikate, und SAP-Hinweis 2801396 ist die maßgebliche Liste</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>not confirmed: {name} is not on {version}, the list this judgement used (one source; SAP Note 2801396 is the authoritative list; add roots with --sap-roots)</source>
        <translation>nicht bestätigt: {name} steht nicht auf {version}, der Liste dieser Beurteilung (eine Quelle; SAP-Hinweis 2801396 ist die maßgebliche Liste; weitere Stammzertifikate mit --sap-roots)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>not confirmed: {name} is not on {version}, the list this judgement used (one source; SAP Note 2801396 is the authoritative list)</source>
        <translation>nicht bestätigt: {name} steht nicht auf {version}, der Liste dieser Beurteilung (eine Quelle; SAP-Hinweis 2801396 ist die maßgebliche Liste)</translation>
    </message>
</context>
<context>
    <name>profiles</name>
    <message>
        <location filename="../wizard/commands/profiles.py" line="+44"/>
        <source>No profiles yet in {folder}.
Start with: cpi-cert-wizard csr --profile NAME --cn COMMON-NAME</source>
        <translation>Noch keine Profile in {folder}.
Beginnen Sie mit: cpi-cert-wizard csr --profile NAME --cn COMMON-NAME</translation>
    </message>
    <message>
        <location line="+13"/>
        <source> (renew)</source>
        <translation> (erneuern)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Secrets are kept in: {where}</source>
        <translation>Geheimnisse liegen in: {where}</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Remove profile {name!r}, its key and its keyring entries? [y/N] </source>
        <translation>Profil {name!r}, seinen Schlüssel und seine Einträge im Schlüsselbund entfernen? [j/N] </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>y</source>
        <translation>j</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing removed.</source>
        <translation>Nichts entfernt.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Removed profile {name}.</source>
        <translation>Profil {name} entfernt.</translation>
    </message>
    <message>
        <location filename="../wizard/core/profiles.py" line="+198"/>
        <source>{file} was written by a newer cpi-cert-wizard (schema {version}); update the program to open it.</source>
        <translation>{file} wurde von einem neueren cpi-cert-wizard geschrieben (Schema {version}); aktualisieren Sie das Programm, um es zu öffnen.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>{file} is not a valid profile ({problem}). {hint}</source>
        <translation>{file} ist kein gültiges Profil ({problem}). {hint}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{file} names profile {name!r} but lives in folder {folder!r}; rename the folder back.</source>
        <translation>{file} nennt das Profil {name!r}, liegt aber im Ordner {folder!r}; benennen Sie den Ordner zurück.</translation>
    </message>
    <message>
        <location line="+84"/>
        <source>The profile as it was before its last change is kept in {backup}: copy it over {file} to restore it, or remove the profile.</source>
        <translation>Das Profil, wie es vor seiner letzten Änderung war, liegt in {backup}: Kopieren Sie es über {file}, um es wiederherzustellen, oder entfernen Sie das Profil.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Restore it from a backup, or remove the profile (its folder) and create it again.</source>
        <translation>Stellen Sie es aus einer Sicherung wieder her, oder entfernen Sie das Profil (seinen Ordner) und legen Sie es neu an.</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>{name} is not a usable profile name: use 1 to 64 letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;, starting with a letter or digit (for example ERP-PRD or s4_qas).</source>
        <translation>{name} ist kein verwendbarer Profilname: Verwenden Sie 1 bis 64 Buchstaben, Ziffern, &apos;.&apos;, &apos;_&apos; oder &apos;-&apos;, beginnend mit einem Buchstaben oder einer Ziffer (zum Beispiel ERP-PRD oder s4_qas).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{name} is not a usable profile name: Windows drops a dot at the end of a folder name, so the profile could not be found there. Leave out the final dot.</source>
        <translation>{name} ist kein verwendbarer Profilname: Windows entfernt einen Punkt am Ende eines Ordnernamens, sodass das Profil dort nicht gefunden würde. Lassen Sie den Punkt am Ende weg.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{name} is not a usable profile name: Windows reserves {device} for a device, with any extension, so no folder can have that name there. Pick another name (for example {device}-1 or {device}_PRD).</source>
        <translation>{name} ist kein verwendbarer Profilname: Windows reserviert {device} (mit jeder Endung) für ein Gerät, daher kann dort kein Ordner so heißen. Wählen Sie einen anderen Namen (zum Beispiel {device}-1 oder {device}_PRD).</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>{name} differs from the existing profile {other} only in upper and lower case; Windows and macOS would see one folder. Use {other}, or pick a name that differs in more than case.</source>
        <translation>{name} unterscheidet sich vom vorhandenen Profil {other} nur in Groß- und Kleinschreibung; Windows und macOS sähen nur einen Ordner. Verwenden Sie {other} oder wählen Sie einen Namen, der sich nicht nur in der Schreibweise unterscheidet.</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Profile {name!r}</source>
        <translation>Profil {name!r}</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>A profile named {name!r} exists already; pick another name.</source>
        <translation>Ein Profil namens {name!r} existiert bereits; wählen Sie einen anderen Namen.</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>There is no profile named {name!r}; there is {other!r}, which differs only in upper and lower case. Use --profile {other}.</source>
        <translation>Es gibt kein Profil namens {name!r}; es gibt {other!r}, das sich nur in Groß- und Kleinschreibung unterscheidet. Verwenden Sie --profile {other}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>none yet</source>
        <translation>noch keine</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>There is no profile named {name!r} in {folder} (profiles: {known}). Create it with &apos;cpi-cert-wizard csr --profile NAME …&apos;.</source>
        <translation>Es gibt kein Profil namens {name!r} in {folder} (Profile: {known}). Legen Sie es an mit &apos;cpi-cert-wizard csr --profile NAME …&apos;.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{file} cannot be read ({reason}). {restore}</source>
        <translation>{file} kann nicht gelesen werden ({reason}). {restore}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{file} is not a profile. {restore}</source>
        <translation>{file} ist kein Profil. {restore}</translation>
    </message>
    <message>
        <location line="+81"/>
        <source>A profile named {name!r} was created by another process meanwhile; nothing was saved. Run the step again to work on it.</source>
        <translation>Ein Profil namens {name!r} wurde inzwischen von einem anderen Prozess angelegt; es wurde nichts gespeichert. Führen Sie den Schritt erneut aus, um damit weiterzuarbeiten.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Profile {name!r} was changed by another step (another window or command) since it was read here; nothing was saved, so that step&apos;s work is kept. Run this step again.</source>
        <translation>Das Profil {name!r} wurde seit dem Lesen hier von einem anderen Schritt (einem anderen Fenster oder Befehl) geändert; es wurde nichts gespeichert, die Arbeit jenes Schritts bleibt also erhalten. Führen Sie diesen Schritt erneut aus.</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>There is no profile named {name!r}.</source>
        <translation>Es gibt kein Profil namens {name!r}.</translation>
    </message>
</context>
<context>
    <name>render</name>
    <message>
        <location filename="../wizard/commands/fetch_root.py" line="-37"/>
        <location filename="../wizard/commands/render.py" line="-117"/>
        <source>leaf</source>
        <translation>End</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../wizard/commands/render.py" line="+2"/>
        <source>root</source>
        <translation>Root</translation>
    </message>
    <message>
        <location line="-1"/>
        <location filename="../wizard/commands/render.py" line="+2"/>
        <source>intermediate</source>
        <translation>Zwischen</translation>
    </message>
    <message>
        <location line="+8"/>
        <location filename="../wizard/commands/render.py" line="+1"/>
        <source>issued by {issuer}; valid until {date}</source>
        <translation>ausgestellt von {issuer}; gültig bis {date}</translation>
    </message>
    <message>
        <location filename="../wizard/commands/render.py" line="+15"/>
        <source>error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Imported the certificate into profile {profile}:</source>
        <translation>Zertifikat in das Profil {profile} importiert:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Judged against {version}.</source>
        <translation>Geprüft gegen {version}.</translation>
    </message>
</context>
<context>
    <name>reply</name>
    <message>
        <location filename="../wizard/core/reply.py" line="+40"/>
        <location line="+2"/>
        <location line="+1"/>
        <location line="+1"/>
        <source>a private key</source>
        <translation>einen privaten Schlüssel</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>an encrypted private key</source>
        <translation>einen verschlüsselten privaten Schlüssel</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>an SSH private key</source>
        <translation>einen privaten SSH-Schlüssel</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>a certificate signing request (CSR)</source>
        <translation>eine Zertifikatsanforderung (CSR)</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>a public key</source>
        <translation>einen öffentlichen Schlüssel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a certificate revocation list (CRL)</source>
        <translation>eine Zertifikatssperrliste (CRL)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a PGP key</source>
        <translation>einen PGP-Schlüssel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a PGP message</source>
        <translation>eine PGP-Nachricht</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>here we need the certificate the CA returned for your CSR (.cer, .crt, .pem or .p7b)</source>
        <translation>hier brauchen wir das Zertifikat, das die CA für Ihre CSR zurückgegeben hat (.cer, .crt, .pem oder .p7b)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>here we need CA certificates (intermediates or roots: .pem, .cer, .crt or .p7b) that complete the chain</source>
        <translation>hier werden CA-Zertifikate benötigt (Zwischen- oder Stammzertifikate: .pem, .cer, .crt oder .p7b), die die Kette vervollständigen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>here we need the root certificate(s) that the tenant&apos;s server certificate must lead to (.pem, .cer, .crt or .p7b)</source>
        <translation>hier werden die Stammzertifikate benötigt, zu denen das Serverzertifikat des Tenants führen muss (.pem, .cer, .crt oder .p7b)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>here we need SAP&apos;s list of trusted roots: the JSON shipped in resources/ or a PEM bundle of root certificates</source>
        <translation>hier wird SAPs Liste vertrauenswürdiger Stammzertifikate benötigt: das in resources/ mitgelieferte JSON oder ein PEM-Bündel von Stammzertifikaten</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>{source} is empty — {need}.</source>
        <translation>{source} ist leer — {need}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{source} is empty. Download the certificate the CA returned for your CSR again.</source>
        <translation>{source} ist leer. Laden Sie das Zertifikat, das die CA für Ihre CSR zurückgegeben hat, erneut herunter.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{source} holds a damaged certificate ({reason}). The file was probably changed while copying; download it again from the CA.</source>
        <translation>{source} enthält ein beschädigtes Zertifikat ({reason}). Die Datei wurde wahrscheinlich beim Kopieren verändert; laden Sie sie erneut von der CA herunter.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>a certificate file</source>
        <translation>eine Zertifikatsdatei</translation>
    </message>
    <message>
        <location line="+98"/>
        <source>{source}: certificate block {number} is damaged ({reason}). The file was probably changed or cut while copying; download it again from the CA or copy the whole block including the BEGIN/END lines.</source>
        <translation>{source}: Zertifikatsblock {number} ist beschädigt ({reason}). Die Datei wurde wahrscheinlich beim Kopieren verändert oder abgeschnitten; laden Sie sie erneut von der CA herunter oder kopieren Sie den ganzen Block einschließlich der BEGIN/END-Zeilen.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{source}: the PKCS#7 block {number} is damaged ({reason}). Download the .p7b again from the CA.</source>
        <translation>{source}: Der PKCS#7-Block {number} ist beschädigt ({reason}). Laden Sie die .p7b erneut von der CA herunter.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{source} holds more than {limit} PEM blocks; a CA reply holds a few certificates. Check that you picked the right file.</source>
        <translation>{source} enthält mehr als {limit} PEM-Blöcke; eine CA-Antwort enthält einige wenige Zertifikate. Prüfen Sie, ob Sie die richtige Datei gewählt haben.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{source} is cut off: a &apos;-----BEGIN …-----&apos; line has no matching &apos;-----END …-----&apos; line. Copy or download the whole file again.</source>
        <translation>{source} ist abgeschnitten: Zu einer Zeile &apos;-----BEGIN …-----&apos; fehlt die passende Zeile &apos;-----END …-----&apos;. Kopieren oder laden Sie die ganze Datei erneut.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>{source} holds {what}, not a certificate — {need}.</source>
        <translation>{source} enthält {what}, kein Zertifikat — {need}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{source} contains no certificate — {need}.</source>
        <translation>{source} enthält kein Zertifikat — {need}.</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>{source} holds a private key, not a certificate — {need}.</source>
        <translation>{source} enthält einen privaten Schlüssel, kein Zertifikat — {need}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{source} holds an encrypted private key, not a certificate — {need}.</source>
        <translation>{source} enthält einen verschlüsselten privaten Schlüssel, kein Zertifikat — {need}.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{source} holds a certificate signing request (CSR), the file you send to the CA, not the certificate it returns — {need}.</source>
        <translation>{source} enthält eine Zertifikatsanforderung (CSR), also die Datei, die Sie an die CA senden, nicht das Zertifikat, das sie zurückgibt — {need}.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{source} looks like a PKCS#12 keystore (.p12/.pfx: key and certificates together). For a key pair you already have, use import-p12 instead; otherwise {need}.</source>
        <translation>{source} sieht nach einem PKCS#12-Keystore aus (.p12/.pfx: Schlüssel und Zertifikate zusammen). Für ein vorhandenes Schlüsselpaar verwenden Sie stattdessen import-p12; sonst {need}.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{source} is a web page, not a certificate: the download probably returned a login or error page. Download the certificate again — {need}.</source>
        <translation>{source} ist eine Webseite, kein Zertifikat: Der Download hat wahrscheinlich eine Anmelde- oder Fehlerseite geliefert. Laden Sie das Zertifikat erneut herunter — {need}.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{source} is a JSON file, not a certificate. A Cloud Foundry service key is imported with import-service-key; otherwise {need}.</source>
        <translation>{source} ist eine JSON-Datei, kein Zertifikat. Ein Cloud-Foundry-Serviceschlüssel wird mit import-service-key importiert; sonst {need}.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{source} is a text file without a &apos;-----BEGIN CERTIFICATE-----&apos; block — {need}.</source>
        <translation>{source} ist eine Textdatei ohne Block &apos;-----BEGIN CERTIFICATE-----&apos; — {need}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{source} is neither a PEM, DER nor PKCS#7 certificate file (unreadable binary data). Check that you picked the right file — {need}.</source>
        <translation>{source} ist weder eine PEM-, DER- noch PKCS#7-Zertifikatsdatei (unlesbare Binärdaten). Prüfen Sie, ob Sie die richtige Datei gewählt haben — {need}.</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>an algorithm this program cannot read</source>
        <translation>ein Algorithmus, den dieses Programm nicht lesen kann</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>an unknown certificate version</source>
        <translation>eine unbekannte Zertifikatsversion</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the text between the BEGIN and END lines is not valid base64</source>
        <translation>der Text zwischen den BEGIN- und END-Zeilen ist kein gültiges Base64</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>an extension appears twice</source>
        <translation>eine Erweiterung kommt zweimal vor</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>a validity date cannot be read</source>
        <translation>ein Gültigkeitsdatum kann nicht gelesen werden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>its binary encoding is invalid</source>
        <translation>seine binäre Kodierung ist ungültig</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Certificate {number} in {source} is damaged or uses an algorithm this program cannot read ({reason}). Download the CA&apos;s reply again.</source>
        <translation>Zertifikat {number} in {source} ist beschädigt oder verwendet einen Algorithmus, den dieses Programm nicht lesen kann ({reason}). Laden Sie die Antwort der CA erneut herunter.</translation>
    </message>
</context>
<context>
    <name>sandbox</name>
    <message>
        <location filename="../wizard/commands/sandbox.py" line="+151"/>
        <source>Sandbox tenant running at {url} (Ctrl-C to stop)
  trust this load-balancer root: {lb_root} (DER: {lb_root_cer})
  demo CA root (issues client certificates): {ca_root}
  example endpoint: {example} (role {role})
  access log: {access_log}
  try: curl --cacert {lb_root} --cert client-chain.pem --key key.pem {example}</source>
        <translation>Sandbox-Tenant läuft unter {url} (Strg+C zum Beenden)
  diesem Root-Zertifikat des Load Balancers vertrauen: {lb_root} (DER: {lb_root_cer})
  Root-Zertifikat der Demo-CA (stellt Client-Zertifikate aus): {ca_root}
  Beispiel-Endpunkt: {example} (Rolle {role})
  Zugriffsprotokoll: {access_log}
  ausprobieren: curl --cacert {lb_root} --cert client-chain.pem --key key.pem {example}</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Sandbox stopped; its certificates, tables and logs stay in {folder}.</source>
        <translation>Sandbox beendet; ihre Zertifikate, Tabellen und Protokolle bleiben in {folder}.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>a certificate signing request</source>
        <translation>eine Zertifikatsanforderung</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>PEM bundle</source>
        <translation>PEM-Bundle</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{count} certificates: leaf, intermediate, root</source>
        <translation>{count} Zertifikate: End-, Zwischen- und Root-Zertifikat</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{count} certificates: leaf, intermediate</source>
        <translation>{count} Zertifikate: End- und Zwischenzertifikat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signed by the sandbox demo CA: {subject}
  valid until {until}, extended key usage: {usages}
  reply ({format}, {contents}): {file}</source>
        <translation>Von der Demo-CA der Sandbox signiert: {subject}
  gültig bis {until}, Extended Key Usage: {usages}
  Antwort ({format}, {contents}): {file}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>  note: no clientAuth, so SAP (and this sandbox) will not accept it as a client.</source>
        <translation>  Hinweis: kein clientAuth, daher akzeptiert SAP (und diese Sandbox) es nicht als Client-Zertifikat.</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>a certificate</source>
        <translation>ein Zertifikat</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Mapped {subject} (issued by {issuer}) to user {user}.</source>
        <translation>{subject} (ausgestellt von {issuer}) dem Benutzer {user} zugeordnet.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>  {user} has no role yet: `sandbox grant {user} {role}`.</source>
        <translation>  {user} hat noch keine Rolle: `sandbox grant {user} {role}`.</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+10"/>
        <source>{user} now has: {roles}.</source>
        <translation>{user} hat jetzt: {roles}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no roles</source>
        <translation>keine Rollen</translation>
    </message>
    <message>
        <location line="+14"/>
        <source> (fails with 500)</source>
        <translation> (schlägt mit 500 fehl)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> (answers 503: runtime unavailable)</source>
        <translation> (antwortet mit 503: Runtime nicht verfügbar)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Endpoint {path}: role {role}, at most {max_bytes} bytes{extra}.</source>
        <translation>Endpunkt {path}: Rolle {role}, höchstens {max_bytes} Byte{extra}.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>a root certificate</source>
        <translation>ein Root-Zertifikat</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The load balancer now also accepts client chains ending at {subject}.</source>
        <translation>Der Load Balancer akzeptiert jetzt auch Client-Ketten, die bei {subject} enden.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Sandbox folder: {folder} (node {node})</source>
        <translation>Sandbox-Ordner: {folder} (Knoten {node})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>  load-balancer root (senders trust it): {file}</source>
        <translation>  Root-Zertifikat des Load Balancers (Sender vertrauen ihm): {file}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>  demo CA root: {file}</source>
        <translation>  Root-Zertifikat der Demo-CA: {file}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  access logs: {folder}</source>
        <translation>  Zugriffsprotokolle: {folder}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Client roots accepted by the load balancer:</source>
        <translation>Vom Load Balancer akzeptierte Client-Roots:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificate-to-user mappings:</source>
        <translation>Zertifikat-zu-Benutzer-Zuordnungen:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{user} &lt;- {subject} (serial {serial})</source>
        <translation>{user} &lt;- {subject} (Seriennummer {serial})</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Roles:</source>
        <translation>Rollen:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Endpoints:</source>
        <translation>Endpunkte:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{path}: role {role}, max {max_bytes} bytes</source>
        <translation>{path}: Rolle {role}, max. {max_bytes} Byte</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>, fails (500)</source>
        <translation>, schlägt fehl (500)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>, unavailable (503)</source>
        <translation>, nicht verfügbar (503)</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>  (none)</source>
        <translation>  (keine)</translation>
    </message>
</context>
<context>
    <name>sap_sign</name>
    <message>
        <location filename="../wizard/core/sap_sign.py" line="-335"/>
        <source>%n day(s)</source>
        <translation>%n Tag(e)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%n month(s)</source>
        <translation>%n Monat(e)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%n year(s)</source>
        <translation>%n Jahr(e)</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>{text!r} is not a validity the wizard understands. Give a number with d, m or y (90d, 6m, 1y) or words (90 days, 6 months, 1 year); SAP signs for 1 day to 1 year.</source>
        <translation>{text!r} ist keine Gültigkeitsdauer, die der Assistent versteht. Geben Sie eine Zahl mit d, m oder y (90d, 6m, 1y) oder Wörter (90 days, 6 months, 1 year) an; SAP signiert für 1 Tag bis 1 Jahr.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>A validity of {validity} is outside what SAP signs: 1 day to 1 year (at most 365 days, 12 months or 1 year).</source>
        <translation>Eine Gültigkeit von {validity} liegt außerhalb dessen, was SAP signiert: 1 Tag bis 1 Jahr (höchstens 365 Tage, 12 Monate oder 1 Jahr).</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>{source} is an x509-bound service key but has no {fields}. Copy the whole service key of the Destination service instance (Download in the BTP cockpit).</source>
        <translation>{source} ist ein x509-gebundener Serviceschlüssel, enthält aber kein {fields}. Kopieren Sie den ganzen Serviceschlüssel der Destination-Service-Instanz (Download im BTP-Cockpit).</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The &apos;certificate&apos; or &apos;key&apos; of {source} is not PEM that can be read (an unencrypted private key). Copy the service key again as the BTP cockpit downloads it.</source>
        <translation>&apos;certificate&apos; oder &apos;key&apos; von {source} ist kein lesbares PEM (ein unverschlüsselter privater Schlüssel). Kopieren Sie den Serviceschlüssel erneut so, wie das BTP-Cockpit ihn herunterlädt.</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>The {name!r} of {source} is {value!r}, not an https URL. Copy the service key again as the BTP cockpit shows it.</source>
        <translation>Der Wert {name!r} von {source} ist {value!r}, keine https-URL. Kopieren Sie den Serviceschlüssel erneut so, wie ihn das BTP-Cockpit anzeigt.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>no JSON object</source>
        <translation>kein JSON-Objekt</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{source} is not a service key in JSON ({problem}). In the BTP cockpit open the Destination service instance → Service Keys → the key → Download, or save the output of &apos;cf service-key &lt;instance&gt; &lt;key&gt;&apos;.</source>
        <translation>{source} ist kein Serviceschlüssel in JSON ({problem}). Öffnen Sie im BTP-Cockpit die Instanz des Destination-Service → Service Keys → den Schlüssel → Download, oder speichern Sie die Ausgabe von &apos;cf service-key &lt;instance&gt; &lt;key&gt;&apos;.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>It looks like a Process Integration Runtime key (certificate and key), which the sender uses to call the tenant.</source>
        <translation>Es sieht nach einem Schlüssel der Process Integration Runtime aus (Zertifikat und Schlüssel), mit dem der Sender den Tenant aufruft.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{source} has no &apos;clientid&apos;, so it is not a Destination service key.{hint} Create an instance of the Destination service (plan lite) in a Cloud Foundry or &apos;Other Environment&apos; subaccount and a service key for it, then give that key.</source>
        <translation>{source} hat kein &apos;clientid&apos; und ist daher kein Serviceschlüssel des Destination-Service.{hint} Erstellen Sie eine Instanz des Destination-Service (Plan lite) in einem Cloud-Foundry- oder &apos;Other Environment&apos;-Subaccount und einen Serviceschlüssel dafür, und geben Sie dann diesen Schlüssel an.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>{source} has no &apos;clientsecret&apos;. Copy the whole service key of the Destination service instance.</source>
        <translation>{source} hat kein &apos;clientsecret&apos;. Kopieren Sie den vollständigen Serviceschlüssel der Instanz des Destination-Service.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&apos;url&apos; (the subaccount&apos;s token base URL)</source>
        <translation>&apos;url&apos; (die Token-Basis-URL des Subaccounts)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;uri&apos; (the Destination service&apos;s base URL)</source>
        <translation>&apos;uri&apos; (die Basis-URL des Destination-Service)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{first} and no {second}</source>
        <translation>{first} und kein {second}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{source} has no {fields}: it is not a Destination service key. Create a service key of the Destination service (plan lite) and give that file.</source>
        <translation>{source} hat kein {fields}: Es ist kein Serviceschlüssel des Destination-Service. Erstellen Sie einen Serviceschlüssel des Destination-Service (Plan lite) und geben Sie diese Datei an.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>a Destination service key (JSON)</source>
        <translation>ein Serviceschlüssel des Destination Service (JSON)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>on: SAP renews it shortly before it expires; import the renewal with --refresh and update the tenant entry</source>
        <translation>ein: SAP erneuert es kurz vor dem Ablauf; importieren Sie die Erneuerung mit --refresh und aktualisieren Sie den Eintrag im Tenant</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>The Destination service runs in a Cloud Foundry or an &apos;Other Environment&apos; subaccount, not in Neo: Neo users need a (free) Cloud Foundry subaccount for this one step; the certificate then works for Neo as well.</source>
        <translation>Der Destination Service läuft in einem Subaccount der Umgebung Cloud Foundry oder &apos;Other Environment&apos;, nicht in Neo: Neo-Benutzer brauchen für diesen einen Schritt einen (kostenlosen) Cloud-Foundry-Subaccount; das Zertifikat funktioniert dann auch für Neo.</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>The certificate of the x509-bound service key ({source}) expired on {date}. Create a new service key for the Destination service instance and run again with --destination-key NEW-KEY.json.</source>
        <translation>Das Zertifikat des x509-gebundenen Serviceschlüssels ({source}) ist am {date} abgelaufen. Legen Sie einen neuen Serviceschlüssel für die Destination-Service-Instanz an und starten Sie erneut mit --destination-key NEW-KEY.json.</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>the certificate of the service key kept in the keyring for this profile</source>
        <translation>das Zertifikat des Serviceschlüssels, das für dieses Profil im Schlüsselbund liegt</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the certificate in {source}</source>
        <translation>das Zertifikat in {source}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the client secret kept in the keyring for this profile (or in {env})</source>
        <translation>das im Schlüsselbund für dieses Profil gespeicherte Client-Secret (oder das in {env})</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the client secret in {source}</source>
        <translation>das Client-Secret in {source}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The token endpoint {host} refused client {client!r} (HTTP {status}): {where} is wrong or expired, or the service key was deleted. Create a new service key for the Destination service instance and run again with --destination-key NEW-KEY.json.</source>
        <translation>Der Token-Endpunkt {host} hat den Client {client!r} abgelehnt (HTTP {status}): {where} ist falsch oder abgelaufen, oder der Serviceschlüssel wurde gelöscht. Erstellen Sie einen neuen Serviceschlüssel für die Instanz des Destination-Service und starten Sie erneut mit --destination-key NEW-KEY.json.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the token request</source>
        <translation>die Token-Anforderung</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{host} answered the token request without an access_token (HTTP {status}, {content_type}). Check the service key&apos;s &apos;url&apos;: it is the subaccount&apos;s authentication URL.</source>
        <translation>{host} hat die Token-Anforderung ohne access_token beantwortet (HTTP {status}, {content_type}). Prüfen Sie die &apos;url&apos; des Serviceschlüssels: Sie ist die Authentifizierungs-URL des Subaccounts.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>no content type</source>
        <translation>kein Content-Type</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>SAP said: {said}</source>
        <translation>SAP meldet: {said}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{host} answered {what} with a redirect to {location} (HTTP {status}), usually a login page. Check the service key&apos;s &apos;url&apos; and &apos;uri&apos;.</source>
        <translation>{host} hat {what} mit einer Weiterleitung nach {location} beantwortet (HTTP {status}), meist eine Anmeldeseite. Prüfen Sie &apos;url&apos; und &apos;uri&apos; des Serviceschlüssels.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The Destination service at {host} did not accept the token for {what} (HTTP 401).{quoted} The service key may belong to another region&apos;s service; download it again from the subaccount and retry.</source>
        <translation>Der Destination-Service unter {host} hat das Token für {what} nicht akzeptiert (HTTP 401).{quoted} Der Serviceschlüssel gehört vielleicht zum Service einer anderen Region; laden Sie ihn erneut aus dem Subaccount herunter und versuchen Sie es noch einmal.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The Destination service at {host} refused {what} (HTTP 403): this service key may not manage the subaccount&apos;s certificates.{quoted} Use a key of a Destination service instance of plan &apos;lite&apos; created in the subaccount itself.</source>
        <translation>Der Destination-Service unter {host} hat {what} abgelehnt (HTTP 403): Dieser Serviceschlüssel darf die Zertifikate des Subaccounts möglicherweise nicht verwalten.{quoted} Verwenden Sie einen Schlüssel einer Instanz des Destination-Service mit Plan &apos;lite&apos;, die im Subaccount selbst erstellt wurde.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The Destination service at {host} refused {what} as too large or over quota (HTTP 413).{quoted} Delete certificates the subaccount no longer needs (cockpit → Connectivity → Destination Certificates) and try again.</source>
        <translation>Der Destination-Service unter {host} hat {what} als zu groß oder über dem Kontingent abgelehnt (HTTP 413).{quoted} Löschen Sie Zertifikate, die der Subaccount nicht mehr braucht (Cockpit → Connectivity → Destination Certificates), und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Try again in {seconds} seconds.</source>
        <translation>Versuchen Sie es in {seconds} Sekunden erneut.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Try again in a few minutes.</source>
        <translation>Versuchen Sie es in ein paar Minuten erneut.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The Destination service at {host} has had too many requests from this subaccount (HTTP 429).{quoted} {again}</source>
        <translation>Der Destination-Service unter {host} hat zu viele Anfragen von diesem Subaccount erhalten (HTTP 429).{quoted} {again}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The Destination service at {host} failed on {what} (HTTP {status}).{quoted} It is SAP&apos;s side: try again later, and check SAP&apos;s status page for the region.</source>
        <translation>Der Destination-Service unter {host} ist bei {what} gescheitert (HTTP {status}).{quoted} Das liegt bei SAP: Versuchen Sie es später erneut und prüfen Sie die Statusseite von SAP für die Region.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The Destination service at {host} refused {what} (HTTP {status}).{quoted}</source>
        <translation>Der Destination-Service unter {host} hat {what} abgelehnt (HTTP {status}).{quoted}</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>replacing the certificate {name!r}</source>
        <translation>das Ersetzen des Zertifikats {name!r}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The subaccount already has a certificate named {name!r} (HTTP 409). Run again with --replace to have SAP sign your CSR again under that name (the old certificate is replaced there), or with --refresh to import the one that is there.</source>
        <translation>Der Subaccount hat bereits ein Zertifikat namens {name!r} (HTTP 409). Starten Sie erneut mit --replace, damit SAP Ihren CSR unter diesem Namen neu signiert (das alte Zertifikat wird dort ersetzt), oder mit --refresh, um das vorhandene zu importieren.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the signing request</source>
        <translation>die Signieranforderung</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The subaccount has no certificate named {name!r} (HTTP 404 from {host}). It may have been deleted in the cockpit: have SAP sign the CSR again (without --refresh).</source>
        <translation>Der Subaccount hat kein Zertifikat namens {name!r} (HTTP 404 von {host}). Vielleicht wurde es im Cockpit gelöscht: Lassen Sie SAP den CSR erneut signieren (ohne --refresh).</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>reading the certificate {name!r}</source>
        <translation>das Lesen des Zertifikats {name!r}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The Destination service&apos;s answer for {name!r} has no readable &apos;Content&apos; (base64 of the certificate chain). Check that the service key&apos;s &apos;uri&apos; is the Destination service&apos;s.</source>
        <translation>Die Antwort des Destination-Service für {name!r} hat keinen lesbaren &apos;Content&apos; (Base64 der Zertifikatskette). Prüfen Sie, ob die &apos;uri&apos; des Serviceschlüssels die des Destination-Service ist.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the certificate {name!r} SAP issued</source>
        <translation>das von SAP ausgestellte Zertifikat {name!r}</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Profile {name!r} has no certificate request for SAP to sign. Create one first: cpi-cert-wizard csr --profile {profile} --cn …</source>
        <translation>Profil {name!r} hat keine Zertifikatsanforderung, die SAP signieren könnte. Erstellen Sie zuerst eine: cpi-cert-wizard csr --profile {profile} --cn …</translation>
    </message>
    <message>
        <location line="+209"/>
        <source>Profile {name!r} does not know a Destination service key yet. Give one: cpi-cert-wizard sap-sign --profile {profile} --refresh --destination-key FILE.json</source>
        <translation>Profil {name!r} kennt noch keinen Serviceschlüssel des Destination-Service. Geben Sie einen an: cpi-cert-wizard sap-sign --profile {profile} --refresh --destination-key FILE.json</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the profile</source>
        <translation>das Profil</translation>
    </message>
    <message>
        <location filename="../wizard/commands/sap_sign.py" line="+74"/>
        <source>{flags} only work when SAP signs; --refresh only fetches the certificate SAP has (the renewal setting stays as it was).</source>
        <translation>{flags} funktionieren nur, wenn SAP signiert; --refresh holt nur das Zertifikat ab, das SAP hat (die Einstellung zur Erneuerung bleibt, wie sie war).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Give the Destination service key: --destination-key FILE.json (BTP cockpit → the Cloud Foundry subaccount → Instances and Subscriptions → the Destination service instance → Service Keys → Download).</source>
        <translation>Geben Sie den Serviceschlüssel des Destination Service an: --destination-key DATEI.json (BTP Cockpit → der Cloud-Foundry-Subaccount → Instanzen und Abonnements → die Instanz des Destination Service → Serviceschlüssel → Herunterladen).</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Before SAP signs:</source>
        <translation>Bevor SAP signiert:</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>  SHA-256 {sha256}, valid until {until} UTC</source>
        <translation>  SHA-256 {sha256}, gültig bis {until} UTC</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Mind:</source>
        <translation>Beachten Sie:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Client secret: {where}.</source>
        <translation>Client-Secret: {where}.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>on</source>
        <translation>ein</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../wizard/core/sap_sign.py" line="-584"/>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&apos;{name}&apos; in the subaccount&apos;s Destination certificates</source>
        <translation>&apos;{name}&apos; in den Destination-Zertifikaten des Subaccounts</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP&apos;s certificate {where} is the one profile {profile} already has; nothing changed (automatic renewal {renew}).</source>
        <translation>Das Zertifikat von SAP {where} ist dasjenige, das Profil {profile} bereits hat; nichts geändert (automatische Erneuerung {renew}).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Imported SAP&apos;s certificate {where} into profile {profile} (automatic renewal {renew}).</source>
        <translation>Zertifikat von SAP {where} in Profil {profile} importiert (automatische Erneuerung {renew}).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP renewed the certificate {where}; profile {profile} now has the new one (automatic renewal {renew}).</source>
        <translation>SAP hat das Zertifikat {where} erneuert; Profil {profile} hat jetzt das neue (automatische Erneuerung {renew}).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>SAP signed the CSR again of profile {profile}: {where}, valid {validity}, automatic renewal {renew}.</source>
        <translation>SAP hat die CSR von Profil {profile} erneut signiert: {where}, gültig {validity}, automatische Erneuerung {renew}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>SAP signed the CSR of profile {profile}: {where}, valid {validity}, automatic renewal {renew}.</source>
        <translation>SAP hat die CSR von Profil {profile} signiert: {where}, gültig {validity}, automatische Erneuerung {renew}.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The tenant entry must be updated: it names an earlier certificate.</source>
        <translation>Der Eintrag im Tenant muss aktualisiert werden: Er nennt ein früheres Zertifikat.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  new SHA-256 {sha256}</source>
        <translation>  neu: SHA-256 {sha256}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>  was SHA-256 {sha256}</source>
        <translation>  bisher: SHA-256 {sha256}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>  Neo: a new Certificate-to-User mapping for the new certificate; Cloud Foundry: a new service key with it (unless pinning is off).</source>
        <translation>  Neo: eine neue Zertifikat-zu-Benutzer-Zuordnung für das neue Zertifikat; Cloud Foundry: ein neuer Serviceschlüssel damit (außer Pinning ist ausgeschaltet).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>  The sender needs the new certificate too (same key): cpi-cert-wizard export-p12 --profile {profile}</source>
        <translation>  Der Sender braucht das neue Zertifikat ebenfalls (gleicher Schlüssel): cpi-cert-wizard export-p12 --profile {profile}</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Next: cpi-cert-wizard export-p12 --profile {profile}, then update the tenant entry.</source>
        <translation>Weiter: cpi-cert-wizard export-p12 --profile {profile}, danach den Eintrag im Tenant aktualisieren.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Next: cpi-cert-wizard export-p12 --profile {profile} (for the sender), then cpi-cert-wizard mapping --profile {profile} (for the tenant).</source>
        <translation>Weiter: cpi-cert-wizard export-p12 --profile {profile} (für den Sender), danach cpi-cert-wizard mapping --profile {profile} (für den Tenant).</translation>
    </message>
    <message>
        <location filename="../wizard/core/sap_sign.py" line="+2"/>
        <source>SAP replaces the subject of your CSR with its own (SAP SE, your subaccount and region, CN={cn}): what you typed for O, OU, L or C is not in the certificate.</source>
        <translation>SAP ersetzt das Subject Ihrer CSR durch ein eigenes (SAP SE, Ihr Subaccount und Ihre Region, CN={cn}): Was Sie für O, OU, L oder C eingegeben haben, steht nicht im Zertifikat.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>SAP replaces the subject of your CSR with its own (SAP SE, your subaccount and region): what you typed for O, OU, L or C is not in the certificate.</source>
        <translation>SAP ersetzt das Subject Ihrer CSR durch ein eigenes (SAP SE, Ihr Subaccount und Ihre Region): Was Sie für O, OU, L oder C eingegeben haben, steht nicht im Zertifikat.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Only the CSR (the public key) is sent; the private key stays on this machine.</source>
        <translation>Nur die CSR (der öffentliche Schlüssel) wird gesendet; der private Schlüssel bleibt auf diesem Computer.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP signs for 1 day to 1 year; this request: {validity}. Automatic renewal: {renew}.</source>
        <translation>SAP signiert für 1 Tag bis 1 Jahr; diese Anforderung: {validity}. Automatische Erneuerung: {renew}.</translation>
    </message>
</context>
<context>
    <name>secret</name>
    <message>
        <location filename="../wizard/commands/secret.py" line="+34"/>
        <source>No {kind} secret of profile {profile!r} is in the keyring ({keyring}).</source>
        <translation>Kein {kind}-Geheimnis von Profil {profile!r} ist im Schlüsselbund ({keyring}).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Derived from the batch secret {account!r} of {service} in the keyring ({keyring}) for {label}.</source>
        <translation>Abgeleitet aus dem Batch-Geheimnis {account!r} von {service} im Schlüsselbund ({keyring}) für {label}.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Kept in its own item {account!r} of {service} in the keyring ({keyring}).</source>
        <translation>Gespeichert in einem eigenen Eintrag {account!r} von {service} im Schlüsselbund ({keyring}).</translation>
    </message>
</context>
<context>
    <name>secrets</name>
    <message>
        <location filename="../wizard/core/secrets.py" line="+85"/>
        <source>the private-key passphrase</source>
        <translation>die Passphrase des privaten Schlüssels</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the PKCS#12 password</source>
        <translation>das PKCS#12-Passwort</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the tenant API secret</source>
        <translation>das API-Geheimnis des Tenants</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the Destination service client secret</source>
        <translation>das Client-Secret des Destination-Service</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the password for the company CA</source>
        <translation>das Passwort für die Unternehmens-CA</translation>
    </message>
    <message>
        <location line="+560"/>
        <source>none (no usable keyring)</source>
        <translation>nirgends (kein nutzbarer Schlüsselbund)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The keyring backend {backend} is not one known to encrypt what it keeps (it may write secrets to a plain file), so no secret is stored there.</source>
        <translation>Das Schlüsselbund-Backend {backend} ist nicht als verschlüsselnd bekannt (es schreibt Geheimnisse womöglich in eine Klartextdatei); daher wird dort kein Geheimnis gespeichert.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The secrets of these profiles were stored in {keyring}, which cannot be reached now. Start or unlock it (on Linux: log in to the desktop session), then try again.</source>
        <translation>Die Geheimnisse dieser Profile wurden in {keyring} gespeichert, das jetzt nicht erreichbar ist. Starten oder entsperren Sie es (unter Linux: an der Desktop-Sitzung anmelden) und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No usable OS keyring was found (on Linux: a SecretService such as GNOME Keyring or KWallet, unlocked). Secrets are not stored.</source>
        <translation>Es wurde kein nutzbarer Schlüsselbund des Betriebssystems gefunden (unter Linux: ein entsperrter SecretService wie GNOME Keyring oder KWallet). Geheimnisse werden nicht gespeichert.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>You will be asked for them each time, or set {variables} in the environment.</source>
        <translation>Sie werden jedes Mal danach gefragt, oder setzen Sie {variables} in der Umgebung.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>The keyring ({keyring}) is locked, so {what} cannot be used. Unlock it (log in to the desktop session or unlock &apos;Login&apos; in Passwords and Keys) and try again.</source>
        <translation>Der Schlüsselbund ({keyring}) ist gesperrt, daher kann {what} nicht verwendet werden. Entsperren Sie ihn (melden Sie sich an der Desktop-Sitzung an oder entsperren Sie „Anmeldung“ in „Passwörter und Schlüssel“) und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The keyring ({keyring}) refused to handle {what}: {error}. Check that it is running and unlocked.</source>
        <translation>Der Schlüsselbund ({keyring}) hat die Verarbeitung von {what} verweigert: {error}. Prüfen Sie, ob er läuft und entsperrt ist.</translation>
    </message>
    <message>
        <location line="+104"/>
        <source>Restore that item from a backup of the keyring; if it is lost, the key cannot be opened: make a new one with &apos;cpi-cert-wizard csr --profile {profile} --new-key&apos; (or set {variable} if you know the passphrase).</source>
        <translation>Stellen Sie diesen Eintrag aus einer Sicherung des Schlüsselbunds wieder her; ist er verloren, lässt sich der Schlüssel nicht mehr öffnen: Erzeugen Sie einen neuen mit &apos;cpi-cert-wizard csr --profile {profile} --new-key&apos; (oder setzen Sie {variable}, wenn Sie die Passphrase kennen).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Restore that item from a backup of the keyring, or export again (&apos;cpi-cert-wizard export-p12 --profile {profile}&apos; makes a new password), or set {variable}.</source>
        <translation>Stellen Sie diesen Eintrag aus einer Sicherung des Schlüsselbunds wieder her, exportieren Sie erneut (&apos;cpi-cert-wizard export-p12 --profile {profile}&apos; erzeugt ein neues Passwort) oder setzen Sie {variable}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{What} of profile {profile!r} is derived from a batch secret, the keyring item {account!r} of {service}, which is no longer in the keyring ({keyring}).</source>
        <translation>{What} von Profil {profile!r} wird aus einem Batch-Geheimnis abgeleitet, dem Schlüsselbund-Eintrag {account!r} von {service}, der nicht mehr im Schlüsselbund ({keyring}) ist.</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>{service} {account}: {what}</source>
        <translation>{service} {account}: {what}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{keyring}, derived from batch secret {account}</source>
        <translation>{keyring}, abgeleitet aus dem Batch-Geheimnis {account}</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>{What} of the profile is needed, but there is no keyring and no terminal to ask on. Set {variable} in the environment.</source>
        <translation>{What} des Profils wird benötigt, aber es gibt weder einen Schlüsselbund noch ein Terminal für die Eingabe. Setzen Sie {variable} in der Umgebung.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No answer was given for {what}; nothing was changed.</source>
        <translation>Für {what} wurde keine Eingabe gemacht; nichts wurde geändert.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>{What} of profile {profile}: </source>
        <translation>{What} von Profil {profile}: </translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{What} of profile {profile!r} is needed and is not in a keyring: {reason} Set {variable} in the environment.</source>
        <translation>{What} von Profil {profile!r} wird benötigt und liegt in keinem Schlüsselbund: {reason} Setzen Sie {variable} in der Umgebung.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{What} of profile {profile!r} is not in the keyring ({keyring}). Set {variable} or store it again.</source>
        <translation>{What} von Profil {profile!r} ist nicht im Schlüsselbund ({keyring}). Setzen Sie {variable} oder speichern Sie es erneut.</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>not stored: taken from {variable}</source>
        <translation>nicht gespeichert: aus {variable} übernommen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No keyring: choose {what} for profile {profile}: </source>
        <translation>Kein Schlüsselbund: Wählen Sie {what} für Profil {profile}: </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{What} needs 8 characters or more.</source>
        <translation>{What} braucht 8 oder mehr Zeichen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Type {what} for profile {profile} again: </source>
        <translation>Geben Sie {what} für Profil {profile} erneut ein: </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The two entries of {what} differ; nothing was created. Try again, or set {variable} in the environment.</source>
        <translation>Die beiden Eingaben für {what} stimmen nicht überein; nichts wurde angelegt. Versuchen Sie es erneut, oder setzen Sie {variable} in der Umgebung.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>not stored: no keyring, you will be asked for it (or set {variable})</source>
        <translation>nicht gespeichert: kein Schlüsselbund, Sie werden danach gefragt (oder setzen Sie {variable})</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>The keyring refused to delete {what}: {error}.</source>
        <translation>Der Schlüsselbund hat das Löschen von {what} verweigert: {error}.</translation>
    </message>
</context>
<context>
    <name>senders</name>
    <message>
        <location filename="../wizard/core/senders.py" line="+46"/>
        <source>SAP PI/PO (AS Java)</source>
        <translation>SAP PI/PO (AS Java)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SAP NetWeaver Administrator → Configuration → Certificates and Keys (Key Storage): import {root} into the view TrustedCAs.</source>
        <translation>SAP NetWeaver Administrator → Konfiguration → Zertifikate und Schlüssel (Key Storage): importieren Sie {root} in die Sicht TrustedCAs.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>In the same place, choose (or create) a keystore view for this sender and import {p12} there as a key pair entry (PKCS#12 with the whole chain).</source>
        <translation>Wählen (oder erstellen) Sie dort eine Keystore-Sicht für diesen Sender und importieren Sie {p12} darin als Schlüsselpaar-Eintrag (PKCS#12 mit der ganzen Kette).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>In the receiver channel towards Cloud Integration (SOAP, HTTP_AAE or IDoc_AAE): the runtime host over HTTPS, authentication by client certificate with that keystore view and entry, no user and password.</source>
        <translation>Im Empfängerkanal zu Cloud Integration (SOAP, HTTP_AAE oder IDoc_AAE): der Laufzeit-Host über HTTPS, Authentifizierung per Client-Zertifikat mit dieser Keystore-Sicht und diesem Eintrag, kein Benutzer und Kennwort.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>SAP ABAP (S/4HANA, ECC)</source>
        <translation>SAP ABAP (S/4HANA, ECC)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>STRUST: add {root} to the certificate list of the SSL client PSE you use for this connection (SSL client Standard or a dedicated SSL client identity).</source>
        <translation>STRUST: nehmen Sie {root} in die Zertifikatsliste der SSL-Client-PSE auf, die Sie für diese Verbindung verwenden (SSL-Client Standard oder eine eigene SSL-Client-Identität).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>STRUST: import {p12} into that SSL client PSE (PSE → Import, or sapgenpse import_p12 -p &lt;file&gt;.pse {p12} and load the PSE); the PSE must hold the leaf and every intermediate.</source>
        <translation>STRUST: importieren Sie {p12} in diese SSL-Client-PSE (PSE → Importieren, oder sapgenpse import_p12 -p &lt;file&gt;.pse {p12} und die PSE laden); die PSE muss das Endzertifikat und alle Zwischenzertifikate enthalten.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>SM59, connection type G: the runtime host, port 443, SSL active with that SSL client identity; Logon &amp; Security: SSL client certificate, without a logon user.</source>
        <translation>SM59, Verbindungstyp G: der Laufzeit-Host, Port 443, SSL aktiv mit dieser SSL-Client-Identität; Anmeldung &amp; Sicherheit: SSL-Client-Zertifikat, ohne Anmeldebenutzer.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>With two or more worker nodes on the tenant side an ABAP sender gets HTTP 403 unless the profile parameter ict/disable_cookie_urlencoding is 1 or 2, depending on the kernel (SAP Note 2681175).</source>
        <translation>Mit zwei oder mehr Worker-Knoten auf Tenant-Seite erhält ein ABAP-Sender HTTP 403, sofern der Profilparameter ict/disable_cookie_urlencoding nicht je nach Kernel auf 1 oder 2 steht (SAP-Hinweis 2681175).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Do not mix Basic authentication and the client certificate towards the tenant: TLS session reuse then gives intermittent 401s (SAP KBA 3584034).</source>
        <translation>Mischen Sie keine Basic-Authentifizierung und Client-Zertifikat zum Tenant: durch TLS-Session-Wiederverwendung entstehen dann sporadische 401 (SAP-KBA 3584034).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Java application</source>
        <translation>Java-Anwendung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>keytool -importcert -alias tenant-root -file {root} -keystore truststore.p12 -storetype PKCS12 (or rely on the JDK&apos;s cacerts if it holds the root).</source>
        <translation>keytool -importcert -alias tenant-root -file {root} -keystore truststore.p12 -storetype PKCS12 (oder die cacerts des JDK, wenn sie die Root enthalten).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Use {p12} as the key store (javax.net.ssl.keyStore={p12}, keyStoreType=PKCS12), or copy it into yours with keytool -importkeystore -srckeystore {p12} -srcstoretype PKCS12.</source>
        <translation>Verwenden Sie {p12} als Keystore (javax.net.ssl.keyStore={p12}, keyStoreType=PKCS12), oder kopieren Sie es mit keytool -importkeystore -srckeystore {p12} -srcstoretype PKCS12 in Ihren.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Call the runtime host over HTTPS with that key store; no Authorization header.</source>
        <translation>Rufen Sie den Laufzeit-Host über HTTPS mit diesem Keystore auf; kein Authorization-Header.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>An old Java that reports &apos;wrong password&apos; or a MAC error cannot read AES-256 PKCS#12: export again with --legacy.</source>
        <translation>Ein altes Java, das &apos;falsches Kennwort&apos; oder einen MAC-Fehler meldet, kann AES-256-PKCS#12 nicht lesen: exportieren Sie erneut mit --legacy.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>.NET application</source>
        <translation>.NET-Anwendung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Windows: {root} in Trusted Root Certification Authorities (often there already).</source>
        <translation>Windows: {root} unter Vertrauenswürdige Stammzertifizierungsstellen (oft schon vorhanden).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Load {p12} as an X509Certificate2 and add it to HttpClientHandler.ClientCertificates; put the intermediates into the Intermediate Certification Authorities store so Windows sends them.</source>
        <translation>Laden Sie {p12} als X509Certificate2 und fügen Sie es zu HttpClientHandler.ClientCertificates hinzu; legen Sie die Zwischenzertifikate in den Speicher Zwischenzertifizierungsstellen, damit Windows sie mitsendet.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Call the runtime host with TLS 1.2 or 1.3; no Authorization header.</source>
        <translation>Rufen Sie den Laufzeit-Host mit TLS 1.2 oder 1.3 auf; kein Authorization-Header.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&apos;Could not create SSL/TLS secure channel&apos; usually means the application offers only TLS 1.0 or 1.1: enable TLS 1.2.</source>
        <translation>&apos;Could not create SSL/TLS secure channel&apos; bedeutet meist, dass die Anwendung nur TLS 1.0 oder 1.1 anbietet: aktivieren Sie TLS 1.2.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Postman</source>
        <translation>Postman</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Settings → Certificates → CA certificates: {root_pem} (needed when SSL certificate verification is on and the root is not in the system store).</source>
        <translation>Settings → Certificates → CA certificates: {root_pem} (nötig, wenn die SSL-Zertifikatsprüfung an ist und die Root nicht im Systemspeicher liegt).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Settings → Certificates → Add certificate: host = the runtime host, PFX file {p12} and its password.</source>
        <translation>Settings → Certificates → Add certificate: Host = der Laufzeit-Host, PFX-Datei {p12} und ihr Kennwort.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Send the request to https://&lt;runtime host&gt;/http/&lt;address&gt; with Authorization: No Auth.</source>
        <translation>Senden Sie die Anfrage an https://&lt;runtime host&gt;/http/&lt;address&gt; mit Authorization: No Auth.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>curl</source>
        <translation>curl</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>--cacert {root_pem}</source>
        <translation>--cacert {root_pem}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>--cert {chain} with --key and its passphrase, or --cert-type P12 --cert {p12}; cpi-cert-wizard test-call prints the exact command.</source>
        <translation>--cert {chain} mit --key und seiner Passphrase, oder --cert-type P12 --cert {p12}; cpi-cert-wizard test-call gibt den genauen Befehl aus.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>curl &lt;options&gt; https://&lt;runtime host&gt;/http/&lt;address&gt;, without -u.</source>
        <translation>curl &lt;options&gt; https://&lt;runtime host&gt;/http/&lt;address&gt;, ohne -u.</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>trust store: {text}</source>
        <translation>Truststore: {text}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>key pair: {text}</source>
        <translation>Schlüsselpaar: {text}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>call: {text}</source>
        <translation>Aufruf: {text}</translation>
    </message>
</context>
<context>
    <name>storage</name>
    <message>
        <location filename="../wizard/core/storage.py" line="+128"/>
        <source>Cannot replace {file}: another program has it open. Close it (an editor, a viewer, a virus scanner still reading it) and try again; nothing was changed.</source>
        <translation>{file} kann nicht ersetzt werden: Ein anderes Programm hat die Datei geöffnet. Schließen Sie es (einen Editor, einen Betrachter, einen Virenscanner, der sie noch liest) und versuchen Sie es erneut; es wurde nichts geändert.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Cannot write {file}: {reason}. Check that the folder exists and is writable.</source>
        <translation>{file} kann nicht geschrieben werden: {reason}. Prüfen Sie, ob der Ordner existiert und beschreibbar ist.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Cannot write {file}: {reason}. Nothing was changed.</source>
        <translation>{file} kann nicht geschrieben werden: {reason}. Nichts wurde geändert.</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>{file} is a folder, not {what}. Give the file itself.</source>
        <translation>{file} ist ein Ordner, nicht {what}. Geben Sie die Datei selbst an.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{file} is a named pipe (FIFO), not {what}: reading it could wait forever. Save what you want to give into a regular file and give that file.</source>
        <translation>{file} ist eine Named Pipe (FIFO), nicht {what}: Das Lesen könnte ewig warten. Speichern Sie den Inhalt in einer normalen Datei und geben Sie diese an.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{file} is a device, not {what}: reading it may never end. Give a regular file.</source>
        <translation>{file} ist ein Gerät, nicht {what}: Das Lesen endet womöglich nie. Geben Sie eine normale Datei an.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{file} is not a regular file (a socket or similar), not {what}.</source>
        <translation>{file} ist keine normale Datei (ein Socket o. Ä.), nicht {what}.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{file} is {size} MB; {what} is never that large (limit {limit} MB). Check that you picked the right file.</source>
        <translation>{file} ist {size} MB groß; {what} ist nie so groß (Grenze {limit} MB). Prüfen Sie, ob Sie die richtige Datei gewählt haben.</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>{file} does not exist. Check the path.</source>
        <translation>{file} existiert nicht. Prüfen Sie den Pfad.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{file} cannot be read (permission denied).</source>
        <translation>{file} kann nicht gelesen werden (Zugriff verweigert).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{file} cannot be read: {reason}.</source>
        <translation>{file} kann nicht gelesen werden: {reason}.</translation>
    </message>
    <message>
        <location line="+81"/>
        <source>process {pid}</source>
        <translation>Prozess {pid}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>another process</source>
        <translation>einem anderen Prozess</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>it is a symbolic link, which is never followed; remove it</source>
        <translation>es ist ein symbolischer Link, dem nie gefolgt wird; entfernen Sie ihn</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>it is a folder; remove it</source>
        <translation>es ist ein Ordner; entfernen Sie ihn</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Cannot create the lock file {file}: {reason}.</source>
        <translation>Die Sperrdatei {file} kann nicht angelegt werden: {reason}.</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>{what} is being changed by {holder}, which did not finish within {seconds} s. Wait for it to finish (or close the other cpi-cert-wizard) and try again.</source>
        <translation>{what} wird gerade von {holder} geändert, der nicht innerhalb von {seconds} s fertig wurde. Warten Sie, bis er fertig ist (oder schließen Sie den anderen cpi-cert-wizard), und versuchen Sie es erneut.</translation>
    </message>
</context>
<context>
    <name>test_call</name>
    <message>
        <location filename="../wizard/commands/test_call.py" line="+93"/>
        <source>the message body</source>
        <translation>der Nachrichtentext</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>no HTTP answer</source>
        <translation>keine HTTP-Antwort</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{method} {url}: {status} after {seconds} s</source>
        <translation>{method} {url}: {status} nach {seconds} s</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Evidence:</source>
        <translation>Belege:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Next: {step}</source>
        <translation>Weiter: {step}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The same call with curl (the passphrase is fetched, not shown):</source>
        <translation>Derselbe Aufruf mit curl (die Passphrase wird abgerufen, nicht angezeigt):</translation>
    </message>
</context>
<context>
    <name>testcall</name>
    <message>
        <location filename="../wizard/core/client_identity.py" line="+11"/>
        <source>Profile {profile!r} has no private key ({file}). Create the key and CSR first (csr), or import a PKCS#12 (import-p12).</source>
        <translation>Profil {profile!r} hat keinen privaten Schlüssel ({file}). Erstellen Sie zuerst Schlüssel und CSR (csr), oder importieren Sie eine PKCS#12-Datei (import-p12).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Profile {profile!r} has no private key ({file}). Create the key and request first on the step &apos;Key and certificate request&apos;.</source>
        <translation>Das Profil {profile!r} hat keinen privaten Schlüssel ({file}). Erzeugen Sie zuerst Schlüssel und Anforderung im Schritt „Schlüssel und Zertifikatsanforderung“.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Profile {profile!r} has no certificate yet. Import what the CA sent back (import-reply) or a PKCS#12 (import-p12) first.</source>
        <translation>Profil {profile!r} hat noch kein Zertifikat. Importieren Sie zuerst, was die CA zurückgeschickt hat (import-reply), oder eine PKCS#12-Datei (import-p12).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Profile {profile!r} has no certificate yet. Import what the CA sent back first, on the step &apos;Signed certificate&apos;.</source>
        <translation>Das Profil {profile!r} hat noch kein Zertifikat. Importieren Sie zuerst die Antwort der CA im Schritt „Signiertes Zertifikat“.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>The certificate in {file} ({subject}) does not belong to the private key of profile {profile!r}. Import the certificate issued for this profile&apos;s CSR again.</source>
        <translation>Das Zertifikat in {file} ({subject}) gehört nicht zum privaten Schlüssel von Profil {profile!r}. Importieren Sie erneut das Zertifikat, das für die CSR dieses Profils ausgestellt wurde.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Profile {profile!r} has no saved tenant root ({file}). Read it with fetch-root first, or choose --trust system or --trust FILE.</source>
        <translation>Profil {profile!r} hat kein gespeichertes Root-Zertifikat des Tenants ({file}). Lesen Sie es zuerst mit fetch-root, oder wählen Sie --trust system oder --trust FILE.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the tenant root saved by fetch-root ({subject})</source>
        <translation>das von fetch-root gespeicherte Root-Zertifikat des Tenants ({subject})</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>No system trust store could be read on this computer. Save the tenant root with fetch-root, or give the root file with --trust FILE.</source>
        <translation>Auf diesem Computer ließ sich kein Truststore des Systems lesen. Speichern Sie das Root-Zertifikat des Tenants mit fetch-root, oder geben Sie die Root-Datei mit --trust FILE an.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>the system trust store</source>
        <translation>den Truststore des Systems</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>a root certificate for the tenant</source>
        <translation>ein Root-Zertifikat für den Tenant</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the certificates in {file}</source>
        <translation>die Zertifikate in {file}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The acceptable-CA name {value!r} in {source} is not an RFC 4514 name; run fetch-root again.</source>
        <translation>Der Name {value!r} einer akzeptierten CA in {source} ist kein Name nach RFC 4514; führen Sie fetch-root erneut aus.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>a file of accepted client root certificates</source>
        <translation>eine Datei mit akzeptierten Client-Root-Zertifikaten</translation>
    </message>
    <message>
        <location filename="../wizard/core/testcall.py" line="+260"/>
        <source>The timeout must be a positive number of seconds.</source>
        <translation>Die Zeitüberschreitung muss eine positive Anzahl von Sekunden sein.</translation>
    </message>
    <message>
        <location line="+58"/>
        <source>This call sends an Authorization header as well as the client certificate. SAP KBA 3584034: a sender that mixes Basic authentication and client certificates towards the tenant gets intermittent 401s through TLS session reuse; use one authentication type per sender.</source>
        <translation>Dieser Aufruf sendet neben dem Client-Zertifikat einen Authorization-Header. SAP-KBA 3584034: Ein Sender, der Basic-Authentifizierung und Client-Zertifikate zum Tenant mischt, erhält durch TLS-Session-Wiederverwendung sporadische 401; verwenden Sie eine Authentifizierungsart pro Sender.</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Profile {profile!r} has no tenant URL; give the endpoint with --url (for example https://&lt;runtime host&gt;/http/&lt;address&gt;).</source>
        <translation>Profil {profile!r} hat keine Tenant-URL; geben Sie den Endpunkt mit --url an (zum Beispiel https://&lt;Runtime-Host&gt;/http/&lt;Adresse&gt;).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Profile {profile!r} has no tenant URL; give the endpoint on the first step (for example https://&lt;runtime host&gt;/http/&lt;address&gt;).</source>
        <translation>Das Profil {profile!r} hat keine Tenant-URL; geben Sie den Endpunkt im ersten Schritt an (zum Beispiel https://&lt;runtime host&gt;/http/&lt;address&gt;).</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>{url!r} is not an https:// URL. The tenant accepts client certificates only over TLS: use https://&lt;runtime host&gt;/http/&lt;address&gt;.</source>
        <translation>{url!r} ist keine https://-URL. Der Tenant akzeptiert Client-Zertifikate nur über TLS: Verwenden Sie https://&lt;Runtime-Host&gt;/http/&lt;Adresse&gt;.</translation>
    </message>
    <message>
        <location line="+90"/>
        <source>Connected to {target}.</source>
        <translation>Verbunden mit {target}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Connected to {target} through the proxy {proxy} (CONNECT).</source>
        <translation>Verbunden mit {target} über den Proxy {proxy} (CONNECT).</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>{where} does not speak TLS: it answered {what}.</source>
        <translation>{where} spricht kein TLS: Die Antwort war {what}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{where} started the TLS handshake but did not finish it within {timeout:g} s.</source>
        <translation>{where} hat den TLS-Handshake begonnen, aber nicht innerhalb von {timeout:g} s abgeschlossen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{where} accepted the connection but sent no TLS answer within {timeout:g} s.</source>
        <translation>{where} hat die Verbindung angenommen, aber innerhalb von {timeout:g} s keine TLS-Antwort gesendet.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>The server presented {chain}.</source>
        <translation>Der Server hat {chain} vorgelegt.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>It is not trusted against {trusted}: {problem}.</source>
        <translation>Gegen {trusted} geprüft, ist sie nicht vertrauenswürdig: {problem}.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>What it received: your client certificate (public, like a business card) if it asked for one in the handshake. No request, no data and no secret (no key, no password) was sent.</source>
        <translation>Was er erhalten hat: Ihr Client-Zertifikat (öffentlich, wie eine Visitenkarte), falls er im Handshake danach gefragt hat. Keine Anfrage, keine Daten und kein Geheimnis (kein Schlüssel, kein Passwort) wurden gesendet.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{protocol}: the server&apos;s certificate {name} is trusted: it leads to {trusted}.</source>
        <translation>{protocol}: Das Zertifikat {name} des Servers ist vertrauenswürdig, geprüft gegen {trusted}.</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>no names</source>
        <translation>keine Namen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The server asked for a client certificate (acceptable CAs: {listed}); we sent {chain}.</source>
        <translation>Der Server hat ein Client-Zertifikat verlangt (akzeptierte CAs: {listed}); wir haben {chain} gesendet.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The server did not ask for a client certificate, so none was sent.</source>
        <translation>Der Server hat kein Client-Zertifikat verlangt, daher wurde keines gesendet.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>{where} closed the connection without answering the TLS handshake.</source>
        <translation>{where} hat die Verbindung geschlossen, ohne auf den TLS-Handshake zu antworten.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{where} closed the connection in the middle of the TLS handshake.</source>
        <translation>{where} hat die Verbindung mitten im TLS-Handshake geschlossen.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{where} ended the TLS handshake after our client certificate: {reasons}.</source>
        <translation>{where} hat den TLS-Handshake nach unserem Client-Zertifikat beendet: {reasons}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No TLS session with {where}: {reasons} (no protocol version or cipher in common, or the server refused this host name).</source>
        <translation>Keine TLS-Sitzung mit {where}: {reasons} (keine gemeinsame Protokollversion oder Cipher Suite, oder der Server hat diesen Hostnamen abgelehnt).</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>{where} accepted the request but did not answer within {timeout:g} s (a slow flow needs a larger --timeout).</source>
        <translation>{where} hat die Anfrage angenommen, aber nicht innerhalb von {timeout:g} s geantwortet (ein langsamer Integrationsfluss braucht ein größeres --timeout).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{where} accepted the request but did not answer within {timeout:g} s (a slow flow may answer when you call again).</source>
        <translation>{where} hat die Anfrage angenommen, aber nicht innerhalb von {timeout:g} s geantwortet (ein langsamer Fluss antwortet vielleicht beim nächsten Aufruf).</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The TLS connection to {where} failed: {reasons}.</source>
        <translation>Die TLS-Verbindung zu {where} ist fehlgeschlagen: {reasons}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{where} closed the connection after the handshake without an answer ({error}); servers do this when they refuse the client certificate without saying why.</source>
        <translation>{where} hat die Verbindung nach dem Handshake ohne Antwort geschlossen ({error}); Server tun das, wenn sie das Client-Zertifikat ablehnen, ohne einen Grund zu nennen.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{where} gave no usable HTTP answer ({error}: {reason}).</source>
        <translation>{where} hat keine verwendbare HTTP-Antwort gegeben ({error}: {reason}).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The answer begins: {excerpt}</source>
        <translation>Die Antwort beginnt mit: {excerpt}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Redirected to {location}: not an integration flow endpoint (a login page or the management host?).</source>
        <translation>Umgeleitet auf {location}: kein Endpunkt eines Integrationsflusses (eine Anmeldeseite oder der Management-Host?).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The answer asks for credentials: WWW-Authenticate: {value}.</source>
        <translation>Die Antwort verlangt Anmeldedaten: WWW-Authenticate: {value}.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The server says it could not verify the client certificate.</source>
        <translation>Der Server meldet, dass er das Client-Zertifikat nicht prüfen konnte.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The server says no client certificate arrived.</source>
        <translation>Der Server meldet, dass kein Client-Zertifikat angekommen ist.</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>The pre-checks found problems with the chain: {checks} (see above).</source>
        <translation>Die Vorabprüfungen haben Probleme mit der Kette gefunden: {checks} (siehe oben).</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>A load balancer drops such a chain, so the tool believes the tenant saw no certificate (the access log would show &apos;-&apos; as the user).</source>
        <translation>Ein Load Balancer verwirft eine solche Kette, daher nimmt das Programm an, dass der Tenant kein Zertifikat gesehen hat (das Zugriffsprotokoll würde &apos;-&apos; als Benutzer zeigen).</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>the server sent no acceptable-CA names</source>
        <translation>der Server hat keine akzeptierten CA-Namen gesendet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the server&apos;s acceptable-CA names do not settle it</source>
        <translation>die akzeptierten CA-Namen des Servers entscheiden es nicht</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Why the tool believes the load balancer dropped the chain: {named}, and the root {root} is not confirmed by {version}. If that root is on SAP&apos;s current list (SAP Note 2801396), the certificate reached the tenant and is not mapped (NOT_MAPPED) instead; the access log line of this call tells the two apart.</source>
        <translation>Warum das Programm annimmt, dass der Load Balancer die Kette verworfen hat: {named}, und die Root {root} ist durch {version} nicht bestätigt. Steht diese Root auf der aktuellen SAP-Liste (SAP-Hinweis 2801396), hat das Zertifikat den Tenant erreicht und ist stattdessen nicht zugeordnet (NOT_MAPPED); die Zeile dieses Aufrufs im Zugriffsprotokoll unterscheidet die beiden Fälle.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The chain should pass the load balancer, so the tool believes the certificate reached the tenant but is not known there (the access log would show &apos;&lt;CN&gt;@&lt;issuer CN&gt;&apos; as the user).</source>
        <translation>Die Kette sollte den Load Balancer passieren, daher nimmt das Programm an, dass das Zertifikat den Tenant erreicht hat, dort aber unbekannt ist (das Zugriffsprotokoll würde &apos;&lt;CN&gt;@&lt;issuer CN&gt;&apos; als Benutzer zeigen).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Could not tell: {checks}.</source>
        <translation>Nicht feststellbar: {checks}.</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>SAP&apos;s answer says invalid_client: the client certificate is not configured exactly once in a service key (SAP KBA 3224701). So the certificate passed the load balancer and reached the tenant; it is in no service key of a Process Integration Runtime instance, or in more than one.</source>
        <translation>Die Antwort von SAP lautet invalid_client: das Client-Zertifikat ist nicht in genau einem Serviceschlüssel konfiguriert (SAP-KBA 3224701). Das Zertifikat hat also den Load Balancer passiert und den Tenant erreicht; es steht in keinem Serviceschlüssel einer Process-Integration-Runtime-Instanz oder in mehr als einem.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The answer carries X-CSRF-Token: Required: the sender channel is CSRF protected and the call brought no valid token. Fetch one first (GET with X-CSRF-Token: Fetch, keep the cookies) or untick CSRF Protected in the channel; the certificate and the role are fine.</source>
        <translation>Die Antwort enthält X-CSRF-Token: Required: der Sender-Kanal ist CSRF-geschützt, und der Aufruf brachte kein gültiges Token. Holen Sie zuerst eines (GET mit X-CSRF-Token: Fetch, Cookies behalten) oder deaktivieren Sie CSRF Protected im Kanal; Zertifikat und Rolle sind in Ordnung.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The server never asked for a client certificate, so none was sent: this is not SAP&apos;s load balancer in front of a runtime node. Check that the URL is the runtime host (not the management host) and that no proxy or API Management ends TLS in between; sending intermediates or changing the CA will not help.</source>
        <translation>Der Server hat nie nach einem Client-Zertifikat gefragt, also wurde keines gesendet: das ist nicht der Load Balancer von SAP vor einem Laufzeitknoten. Prüfen Sie, ob die URL der Laufzeit-Host ist (nicht der Management-Host) und ob kein Proxy oder API Management dazwischen TLS beendet; Zwischenzertifikate senden oder die CA wechseln hilft nicht.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>no certificate</source>
        <translation>kein Zertifikat</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{names} (no intermediate)</source>
        <translation>{names} (kein Zwischenzertifikat)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{names} (%n intermediate(s))</source>
        <translation>{names} (%n Zwischenzertifikat(e))</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{where} rejected our client certificate with a TLS alert: {reasons}.</source>
        <translation>{where} hat unser Client-Zertifikat mit einem TLS-Alert abgelehnt: {reasons}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{where} closed the connection right after our client certificate, without an answer.</source>
        <translation>{where} hat die Verbindung direkt nach unserem Client-Zertifikat ohne Antwort geschlossen.</translation>
    </message>
</context>
<context>
    <name>tlsprobe</name>
    <message>
        <location filename="../wizard/core/tlsprobe.py" line="+69"/>
        <source>No target given: pass the tenant&apos;s runtime URL or host, for example https://my-tenant.it-cpi018-rt.cfapps.eu10-003.hana.ondemand.com/http/orders.</source>
        <translation>Kein Ziel angegeben: Übergeben Sie die Runtime-URL oder den Host des Tenants, zum Beispiel https://my-tenant.it-cpi018-rt.cfapps.eu10-003.hana.ondemand.com/http/orders.</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>{raw!r} is a {scheme}:// address; give an https:// URL, a host name or host:port.</source>
        <translation>{raw!r} ist eine {scheme}://-Adresse; geben Sie eine https://-URL, einen Hostnamen oder host:port an.</translation>
    </message>
    <message>
        <location line="-9"/>
        <location line="+30"/>
        <source>{raw!r}: the IPv6 address has no closing &apos;]&apos;.</source>
        <translation>{raw!r}: Bei der IPv6-Adresse fehlt die schließende &apos;]&apos;.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>{raw!r}: {port!r} is not a port number (1 to 65535).</source>
        <translation>{raw!r}: {port!r} ist keine Portnummer (1 bis 65535).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{raw!r}: {host!r} is not a valid host name.</source>
        <translation>{raw!r}: {host!r} ist kein gültiger Hostname.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{raw!r} has no host name.</source>
        <translation>{raw!r} hat keinen Hostnamen.</translation>
    </message>
    <message>
        <location filename="../wizard/core/proxies.py" line="+46"/>
        <source>Proxy scheme {scheme}:// is not supported; give an http:// proxy URL (the usual kind: it tunnels TLS with CONNECT), for example http://proxy.corp:3128.</source>
        <translation>Das Proxy-Schema {scheme}:// wird nicht unterstützt; geben Sie eine http://-Proxy-URL an (die übliche Art: Sie tunnelt TLS mit CONNECT), zum Beispiel http://proxy.corp:3128.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The proxy address has no usable host and port; write it like http://proxy.corp:3128.</source>
        <translation>Die Proxy-Adresse hat keinen verwendbaren Host und Port; schreiben Sie sie etwa so: http://proxy.corp:3128.</translation>
    </message>
    <message>
        <location filename="../wizard/core/tlsprobe.py" line="+63"/>
        <source>The timeout must be a positive number of seconds.</source>
        <translation>Das Timeout muss eine positive Anzahl von Sekunden sein.</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>the proxy {proxy}</source>
        <translation>Proxy {proxy}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Looking up {host} (for {where}) took longer than {timeout:g} s. Check the network and DNS settings, or raise --timeout.</source>
        <translation>Das Auflösen von {host} (für {where}) hat länger als {timeout:g} s gedauert. Prüfen Sie Netzwerk und DNS-Einstellungen, oder erhöhen Sie --timeout.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Looking up {host} (for {where}) took longer than {timeout:g} s. Check the network and DNS settings, then try again.</source>
        <translation>Die Namensauflösung von {host} (für {where}) dauerte länger als {timeout:g} s. Prüfen Sie die Netzwerk- und DNS-Einstellungen und versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Check the proxy address in --proxy or HTTPS_PROXY.</source>
        <translation>Prüfen Sie die Proxy-Adresse in --proxy oder HTTPS_PROXY.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check the proxy address in the system&apos;s proxy settings or HTTPS_PROXY.</source>
        <translation>Prüfen Sie die Proxy-Adresse in den Proxy-Einstellungen des Systems oder in HTTPS_PROXY.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Check the spelling (copy the host from the tenant&apos;s URL or service key); if this computer reaches the internet only through a proxy, give it with --proxy or HTTPS_PROXY.</source>
        <translation>Prüfen Sie die Schreibweise (kopieren Sie den Host aus der URL oder dem Serviceschlüssel des Tenants); wenn dieser Computer das Internet nur über einen Proxy erreicht, geben Sie ihn mit --proxy oder HTTPS_PROXY an.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Check the spelling on the first step (copy the host from the tenant&apos;s URL or service key); if this computer reaches the internet only through a proxy, set it in the system&apos;s proxy settings or HTTPS_PROXY and start the wizard again.</source>
        <translation>Prüfen Sie die Schreibweise im ersten Schritt (kopieren Sie den Host aus der URL des Tenants oder dem Serviceschlüssel); erreicht dieser Computer das Internet nur über einen Proxy, tragen Sie ihn in den Proxy-Einstellungen des Systems oder in HTTPS_PROXY ein und starten Sie den Assistenten neu.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The name {host} (for {where}) cannot be resolved: {reason}. {hint}</source>
        <translation>Der Name {host} (für {where}) lässt sich nicht auflösen: {reason}. {hint}</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Check the proxy address and that the proxy is running.</source>
        <translation>Prüfen Sie die Proxy-Adresse und ob der Proxy läuft.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nothing listens on that port: check the port (the tenant&apos;s runtime uses 443) and the host.</source>
        <translation>An diesem Port lauscht nichts: Prüfen Sie den Port (die Runtime des Tenants verwendet 443) und den Host.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{where} refused the connection. {what}</source>
        <translation>{where} hat die Verbindung abgelehnt. {what}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Connecting to {where} took longer than {timeout:g} s. A firewall may drop the connection, or a proxy is needed (--proxy or HTTPS_PROXY); raise --timeout if the line is slow.</source>
        <translation>Der Verbindungsaufbau zu {where} hat länger als {timeout:g} s gedauert. Womöglich verwirft eine Firewall die Verbindung, oder ein Proxy ist nötig (--proxy oder HTTPS_PROXY); erhöhen Sie --timeout, wenn die Leitung langsam ist.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Connecting to {where} took longer than {timeout:g} s. A firewall may drop the connection, or a proxy is needed (the system&apos;s proxy settings or HTTPS_PROXY); try again if the line is slow.</source>
        <translation>Die Verbindung zu {where} hat länger als {timeout:g} s gedauert. Eine Firewall verwirft die Verbindung vielleicht, oder ein Proxy ist nötig (Proxy-Einstellungen des Systems oder HTTPS_PROXY); versuchen Sie es noch einmal, wenn die Leitung langsam ist.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{where} cannot be reached: {reason}. Check the network, the host, and whether a proxy is needed (--proxy or HTTPS_PROXY).</source>
        <translation>{where} ist nicht erreichbar: {reason}. Prüfen Sie das Netzwerk, den Host und ob ein Proxy nötig ist (--proxy oder HTTPS_PROXY).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{where} cannot be reached: {reason}. Check the network, the host, and whether a proxy is needed (the system&apos;s proxy settings or HTTPS_PROXY).</source>
        <translation>{where} ist nicht erreichbar: {reason}. Prüfen Sie das Netzwerk, den Host und ob ein Proxy nötig ist (Proxy-Einstellungen des Systems oder HTTPS_PROXY).</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>The proxy {proxy} did not answer the tunnel request to {target} within {timeout:g} s. Check the proxy, or raise --timeout.</source>
        <translation>Der Proxy {proxy} hat auf die Tunnel-Anfrage zu {target} nicht innerhalb von {timeout:g} s geantwortet. Prüfen Sie den Proxy, oder erhöhen Sie --timeout.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The proxy {proxy} did not answer the tunnel request to {target} within {timeout:g} s. Check the proxy, then try again.</source>
        <translation>Der Proxy {proxy} hat die Tunnelanfrage zu {target} nicht innerhalb von {timeout:g} s beantwortet. Prüfen Sie den Proxy und versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The proxy {proxy} did not open a tunnel to {target}: it answered the CONNECT request unlike an HTTP proxy ({error}). Check that this address is an HTTP proxy.</source>
        <translation>Der Proxy {proxy} hat keinen Tunnel zu {target} geöffnet: Er hat auf die CONNECT-Anfrage nicht wie ein HTTP-Proxy geantwortet ({error}). Prüfen Sie, ob diese Adresse ein HTTP-Proxy ist.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>It wants credentials: set them in the environment variable HTTPS_PROXY (http://user:password@proxy:port), not on the command line, where other users of the machine can read them.</source>
        <translation>Er verlangt Anmeldedaten: setzen Sie sie in der Umgebungsvariablen HTTPS_PROXY (http://user:password@proxy:port), nicht auf der Befehlszeile, wo andere Benutzer des Computers sie lesen können.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Its rules do not allow a tunnel to {target}; ask the proxy&apos;s administrators to allow CONNECT to this host and port.</source>
        <translation>Seine Regeln erlauben keinen Tunnel zu {target}; bitten Sie die Administratoren des Proxys, CONNECT zu diesem Host und Port zu erlauben.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The proxy could not reach {target}: check the host name and port.</source>
        <translation>Der Proxy konnte {target} nicht erreichen: Prüfen Sie Hostname und Port.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The proxy could not reach {target} in time.</source>
        <translation>Der Proxy konnte {target} nicht rechtzeitig erreichen.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Check the proxy settings.</source>
        <translation>Prüfen Sie die Proxy-Einstellungen.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The proxy {proxy} refused to open a tunnel to {target}: {status} {reason}. {hint}</source>
        <translation>Der Proxy {proxy} hat es abgelehnt, einen Tunnel zu {target} zu öffnen: {status} {reason}. {hint}</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>{target} (through the proxy {proxy})</source>
        <translation>{target} (über den Proxy {proxy})</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>{where} started the TLS handshake but did not finish it within {timeout:g} s. The port may speak another protocol that waits for the client, or a firewall holds the connection; check host and port (the tenant&apos;s runtime uses 443), or raise --timeout.</source>
        <translation>{where} hat den TLS-Handshake begonnen, aber nicht innerhalb von {timeout:g} s abgeschlossen. Womöglich spricht der Port ein anderes Protokoll, das auf den Client wartet, oder eine Firewall hält die Verbindung fest; prüfen Sie Host und Port (die Runtime des Tenants verwendet 443), oder erhöhen Sie --timeout.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{where} started the TLS handshake but did not finish it within {timeout:g} s. The port may speak another protocol that waits for the client, or a firewall holds the connection; check host and port on the first step (the tenant&apos;s runtime uses 443).</source>
        <translation>{where} hat den TLS-Handshake begonnen, aber nicht innerhalb von {timeout:g} s abgeschlossen. Womöglich spricht der Port ein anderes Protokoll, das auf den Client wartet, oder eine Firewall hält die Verbindung fest; prüfen Sie Host und Port im ersten Schritt (die Runtime des Tenants verwendet 443).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{where} accepted the connection but sent no TLS answer within {timeout:g} s. The port may speak another protocol that waits for the client, or a firewall holds the connection; check host and port (the tenant&apos;s runtime uses 443), or raise --timeout.</source>
        <translation>{where} hat die Verbindung angenommen, aber innerhalb von {timeout:g} s keine TLS-Antwort gesendet. Womöglich spricht der Port ein anderes Protokoll, das auf den Client wartet, oder eine Firewall hält die Verbindung fest; prüfen Sie Host und Port (die Runtime des Tenants verwendet 443), oder erhöhen Sie --timeout.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{where} accepted the connection but sent no TLS answer within {timeout:g} s. The port may speak another protocol that waits for the client, or a firewall holds the connection; check host and port on the first step (the tenant&apos;s runtime uses 443).</source>
        <translation>{where} hat die Verbindung angenommen, aber innerhalb von {timeout:g} s keine TLS-Antwort gesendet. Womöglich spricht der Port ein anderes Protokoll, das auf den Client wartet, oder eine Firewall hält die Verbindung fest; prüfen Sie Host und Port im ersten Schritt (die Runtime des Tenants verwendet 443).</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>plain HTTP ({line!r})</source>
        <translation>Klartext-HTTP ({line!r})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This is an http:// port; the tenant&apos;s runtime speaks TLS on 443.</source>
        <translation>Dies ist ein http://-Port; die Runtime des Tenants spricht TLS auf 443.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>something that is not TLS: {what}</source>
        <translation>etwas, das kein TLS ist: {what}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check the port: the tenant&apos;s runtime speaks TLS on 443.</source>
        <translation>Prüfen Sie den Port: Die Runtime des Tenants spricht TLS auf 443.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{where} does not speak TLS: it answered {what}. {hint}</source>
        <translation>{where} spricht kein TLS: Die Antwort war {what}. {hint}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{where} closed the connection in the middle of the TLS handshake.</source>
        <translation>{where} hat die Verbindung mitten im TLS-Handshake geschlossen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{where} closed the connection without answering the TLS handshake.</source>
        <translation>{where} hat die Verbindung geschlossen, ohne auf den TLS-Handshake zu antworten.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> The port may not speak TLS, or does not serve the name {sni!r} (give the right one with --servername); check host and port (the tenant&apos;s runtime uses 443).</source>
        <translation> Womöglich spricht der Port kein TLS oder bedient den Namen {sni!r} nicht (geben Sie den richtigen mit --servername an); prüfen Sie Host und Port (die Runtime des Tenants verwendet 443).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> The port may not speak TLS, or does not serve the name {sni!r}; check host and port on the first step (the tenant&apos;s runtime uses 443).</source>
        <translation> Womöglich spricht der Port kein TLS oder bedient den Namen {sni!r} nicht; prüfen Sie Host und Port im ersten Schritt (die Runtime des Tenants verwendet 443).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source> The port may not speak TLS; check host and port (the tenant&apos;s runtime uses 443).</source>
        <translation> Womöglich spricht der Port kein TLS; prüfen Sie Host und Port (die Runtime des Tenants verwendet 443).</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>{where} and this program have no TLS version in common ({reasons}). The server offers only versions this program does not use (it needs TLS 1.2 or 1.3, as SAP Cloud Integration does): check that this is the tenant&apos;s runtime host.</source>
        <translation>{where} und dieses Programm haben keine TLS-Version gemeinsam ({reasons}). Der Server bietet nur Versionen an, die dieses Programm nicht verwendet (es braucht TLS 1.2 oder 1.3, wie SAP Cloud Integration): Prüfen Sie, ob dies der Runtime-Host des Tenants ist.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{where} refused the TLS handshake ({reasons}): no cipher suite or key exchange in common with this program&apos;s TLS 1.2/1.3 defaults. Check that this is the tenant&apos;s runtime host and port.</source>
        <translation>{where} hat den TLS-Handshake abgelehnt ({reasons}): keine gemeinsame Cipher Suite und kein gemeinsamer Schlüsselaustausch mit den TLS-1.2/1.3-Standardeinstellungen dieses Programms. Prüfen Sie, ob dies Runtime-Host und Port des Tenants sind.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{where} does not serve the name {sni!r} ({reasons}). Check the host, or give the name it expects with --servername.</source>
        <translation>{where} bedient den Namen {sni!r} nicht ({reasons}). Prüfen Sie den Host, oder geben Sie mit --servername den Namen an, den er erwartet.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{where} does not serve the name {sni!r} ({reasons}). Check the host on the first step.</source>
        <translation>{where} bedient den Namen {sni!r} nicht ({reasons}). Prüfen Sie den Host im ersten Schritt.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The TLS handshake with {where} failed: {reasons}. Check host and port (the tenant&apos;s runtime uses 443).</source>
        <translation>Der TLS-Handshake mit {where} ist fehlgeschlagen: {reasons}. Prüfen Sie Host und Port (die Runtime des Tenants verwendet 443).</translation>
    </message>
</context>
<context>
    <name>tracelog</name>
    <message>
        <location filename="../wizard/core/tracelog.py" line="+103"/>
        <source>Neo: {neo} Cloud Foundry: {cf}</source>
        <translation>Neo: {neo} Cloud Foundry: {cf}</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The user lacks the channel&apos;s role</source>
        <translation>Dem Benutzer fehlt die Rolle des Kanals</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The certificate was accepted and the call authenticated as {user}, who lacks {the_role} (the user role the sender channel checks; HTTP 403).</source>
        <translation>Das Zertifikat wurde angenommen und der Aufruf als {user} authentifiziert, dem {the_role} fehlt (die Benutzerrolle, die der Sender-Kanal prüft; HTTP 403).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Give {user} {the_role}, or set the channel&apos;s user role to one {user} has.</source>
        <translation>Geben Sie {user} {the_role}, oder stellen Sie die Benutzerrolle des Kanals auf eine Rolle, die {user} hat.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Give {user} {the_role}: SAP BTP cockpit → Neo subaccount → Security → Authorizations → {user} → Show Assignments → Assign → the application ending in &apos;iflmap&apos; → {role}. (A custom role must first exist on that application.)</source>
        <translation>Geben Sie {user} {the_role}: SAP BTP Cockpit → Neo-Subaccount → Security → Authorizations → {user} → Show Assignments → Assign → die Anwendung, die auf &apos;iflmap&apos; endet → {role}. (Eine eigene Rolle muss zuerst in dieser Anwendung existieren.)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Add {role} to the &quot;roles&quot; parameter of the Process Integration Runtime instance whose service key holds this certificate (cf update-service INSTANCE -c service-instance.json); the change can take up to an hour to apply.</source>
        <translation>Nehmen Sie {role} in den Parameter &quot;roles&quot; der Process-Integration-Runtime-Instanz auf, deren Serviceschlüssel dieses Zertifikat enthält (cf update-service INSTANCE -c service-instance.json); die Änderung kann bis zu einer Stunde dauern.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The flow&apos;s certificate list does not contain this certificate</source>
        <translation>Die Zertifikatsliste des Integrationsflusses enthält dieses Zertifikat nicht</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The sender channel checks client certificates itself (Authorization = Client Certificate) and its list has no entry with subject {subject} and issuer {issuer} (HTTP 403).</source>
        <translation>Der Sender-Kanal prüft Client-Zertifikate selbst (Authorization = Client Certificate), und seine Liste hat keinen Eintrag mit Subject {subject} und Issuer {issuer} (HTTP 403).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Add the certificate to the sender channel: upload client.crt from cpi-cert-wizard mapping --profile &lt;profile&gt; --flow-certificate (or type its Subject DN and Issuer DN exactly as printed there), then redeploy the flow. Or switch the channel to Authorization = User Role and map the certificate (the recommended option).</source>
        <translation>Fügen Sie das Zertifikat dem Sender-Kanal hinzu: Laden Sie client.crt aus cpi-cert-wizard mapping --profile &lt;profile&gt; --flow-certificate hoch (oder geben Sie Subject DN und Issuer DN genau wie dort ausgegeben ein) und deployen Sie den Integrationsfluss erneut. Oder stellen Sie den Kanal auf Authorization = User Role um und ordnen Sie das Zertifikat zu (die empfohlene Variante).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The CSRF token check failed</source>
        <translation>Die CSRF-Token-Prüfung ist fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The sender channel is CSRF protected and the call brought no valid X-CSRF-Token (HTTP 403): the certificate and the role are fine.</source>
        <translation>Der Sender-Kanal ist CSRF-geschützt, und der Aufruf brachte kein gültiges X-CSRF-Token mit (HTTP 403): Zertifikat und Rolle sind in Ordnung.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Have the sender fetch a token first (a GET with header X-CSRF-Token: Fetch, keep the session cookies, send the token back with the POST), or untick CSRF Protected in the sender channel if the sender cannot do that, and redeploy.</source>
        <translation>Lassen Sie den Sender zuerst ein Token holen (ein GET mit dem Header X-CSRF-Token: Fetch, die Sitzungs-Cookies behalten, das Token mit dem POST zurücksenden), oder entfernen Sie im Sender-Kanal das Häkchen bei CSRF Protected, wenn der Sender das nicht kann, und deployen Sie erneut.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The certificate is not in exactly one service key</source>
        <translation>Das Zertifikat ist nicht in genau einem Serviceschlüssel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant found the certificate in no service key, or in more than one (invalid_client; HTTP 401).</source>
        <translation>Der Tenant fand das Zertifikat in keinem Serviceschlüssel oder in mehr als einem (invalid_client; HTTP 401).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Put the leaf certificate into exactly one service key of type External Certificate (cpi-cert-wizard mapping --profile &lt;profile&gt; --env cf) and delete any other key that holds it.</source>
        <translation>Legen Sie das Leaf-Zertifikat in genau einen Serviceschlüssel vom Typ External Certificate (cpi-cert-wizard mapping --profile &lt;profile&gt; --env cf) und löschen Sie jeden anderen Schlüssel, der es enthält.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The certificate is not mapped to a user</source>
        <translation>Das Zertifikat ist keinem Benutzer zugeordnet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The certificate reached the tenant but no user is mapped to it (HTTP 401).</source>
        <translation>Das Zertifikat hat den Tenant erreicht, aber ihm ist kein Benutzer zugeordnet (HTTP 401).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Register exactly this certificate for a user.</source>
        <translation>Registrieren Sie genau dieses Zertifikat für einen Benutzer.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add this exact certificate (client.cer, serial included) in Certificate-to-User Mappings with a user name: cpi-cert-wizard mapping --profile &lt;profile&gt; --env neo.</source>
        <translation>Fügen Sie genau dieses Zertifikat (client.cer, samt Seriennummer) in der Zertifikat-zu-Benutzer-Zuordnung mit einem Benutzernamen hinzu: cpi-cert-wizard mapping --profile &lt;profile&gt; --env neo.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Create a service key of type External Certificate with this leaf: cpi-cert-wizard mapping --profile &lt;profile&gt; --env cf.</source>
        <translation>Erstellen Sie einen Serviceschlüssel vom Typ External Certificate mit diesem Leaf-Zertifikat: cpi-cert-wizard mapping --profile &lt;profile&gt; --env cf.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>XSUAA could not authenticate the OAuth client</source>
        <translation>XSUAA konnte den OAuth-Client nicht authentifizieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant could not turn the caller into an OAuth client (HTTP 401). With a client certificate on Cloud Foundry this is logged when the certificate is in no service key, or, with Pin Certificate off, when several service keys hold certificates with the same subject and issuer DN (SAP KBA 3364579). SAP calls the message generic: the subaccount&apos;s audit log (&apos;Multiple clones found for certificate …&apos;) confirms the conflict.</source>
        <translation>Der Tenant konnte den Aufrufer nicht als OAuth-Client erkennen (HTTP 401). Mit einem Client-Zertifikat auf Cloud Foundry wird dies protokolliert, wenn das Zertifikat in keinem Serviceschlüssel ist oder, bei ausgeschaltetem Pin Certificate, wenn mehrere Serviceschlüssel Zertifikate mit demselben Subject- und Issuer-DN enthalten (SAP KBA 3364579). SAP nennt die Meldung generisch: das Audit-Log des Subaccounts (&apos;Multiple clones found for certificate …&apos;) bestätigt den Konflikt.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Keep each certificate in exactly one service key; with Pin Certificate off, keep each subject and issuer DN in one key only and delete the conflicting keys (cpi-cert-wizard mapping --profile &lt;profile&gt; --env cf). Check the subaccount&apos;s audit log for &apos;Multiple clones found for certificate&apos;.</source>
        <translation>Halten Sie jedes Zertifikat in genau einem Serviceschlüssel; bei ausgeschaltetem Pin Certificate jeden Subject- und Issuer-DN in nur einem Schlüssel, und löschen Sie die widersprüchlichen Schlüssel (cpi-cert-wizard mapping --profile &lt;profile&gt; --env cf). Suchen Sie im Audit-Log des Subaccounts nach &apos;Multiple clones found for certificate&apos;.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>No credentials reached the runtime</source>
        <translation>Keine Anmeldedaten haben die Runtime erreicht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The call reached the runtime without credentials it could use (HTTP 401): no certificate was forwarded and no user or token came with it. (The message is the runtime&apos;s security framework&apos;s; SAP does not document it for this case, so this reading is the tool&apos;s.)</source>
        <translation>Der Aufruf erreichte die Runtime ohne verwendbare Anmeldedaten (HTTP 401): kein Zertifikat wurde weitergeleitet, und kein Benutzer oder Token kam mit. (Die Meldung stammt vom Sicherheits-Framework der Runtime; SAP dokumentiert sie für diesen Fall nicht, daher ist diese Deutung die des Programms.)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Make sure the sender presents its client certificate with the whole chain to the runtime host: cpi-cert-wizard test-call --profile &lt;profile&gt; shows whether the server asks for a certificate and whether the chain passes.</source>
        <translation>Stellen Sie sicher, dass der Sender sein Client-Zertifikat mit der ganzen Kette dem Runtime-Host präsentiert: cpi-cert-wizard test-call --profile &lt;profile&gt; zeigt, ob der Server ein Zertifikat verlangt und ob die Kette besteht.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Authentication failed</source>
        <translation>Authentifizierung fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant could not authenticate the caller (HTTP 401); the trace text says how.</source>
        <translation>Der Tenant konnte den Aufrufer nicht authentifizieren (HTTP 401); der Trace-Text sagt, wie.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Check that the certificate is registered: Certificate-to-User Mapping (Neo) or exactly one service key (Cloud Foundry), and that the sender sends the whole chain.</source>
        <translation>Prüfen Sie, ob das Zertifikat registriert ist: Zertifikat-zu-Benutzer-Zuordnung (Neo) oder genau ein Serviceschlüssel (Cloud Foundry), und ob der Sender die ganze Kette sendet.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Authorization failed</source>
        <translation>Autorisierung fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The caller was authenticated but refused (HTTP 403); the trace text says why.</source>
        <translation>Der Aufrufer wurde authentifiziert, aber abgewiesen (HTTP 403); der Trace-Text sagt, warum.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Check the sender channel&apos;s authorization: the user role and its assignment, the client certificate list, and the CSRF setting.</source>
        <translation>Prüfen Sie die Autorisierung des Sender-Kanals: die Benutzerrolle und ihre Zuweisung, die Liste der Client-Zertifikate und die CSRF-Einstellung.</translation>
    </message>
    <message>
        <location line="+307"/>
        <source>an ljs_trace_*.log file</source>
        <translation>eine ljs_trace_*.log-Datei</translation>
    </message>
</context>
<context>
    <name>trust</name>
    <message>
        <location filename="../wizard/core/trust.py" line="+104"/>
        <source>an SAP trust list</source>
        <translation>eine SAP-Vertrauensliste</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{base} plus {count} root(s) from {file}</source>
        <translation>{base} plus {count} Root(s) aus {file}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>the trusted CAs of the custom domain</source>
        <translation>die vertrauenswürdigen CAs der Custom Domain</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the trusted CAs configured for the custom domain {domain} ({file})</source>
        <translation>die für die Custom Domain {domain} konfigurierten vertrauenswürdigen CAs ({file})</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>the SAP trust list shipped with the wizard</source>
        <translation>die mit dem Assistenten ausgelieferte SAP-Vertrauensliste</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>{file} is not an SAP trust list the wizard can read ({problem}). Give the JSON shipped in resources/ (same shape) or a PEM bundle of roots.</source>
        <translation>{file} ist keine SAP-Vertrauensliste, die der Assistent lesen kann ({problem}). Geben Sie das in resources/ mitgelieferte JSON (gleiche Form) oder ein PEM-Bündel von Stammzertifikaten an.</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>SAP BTP trust store {version}</source>
        <translation>SAP BTP Trust Store {version}</translation>
    </message>
    <message>
        <location line="+170"/>
        <source>a CA certificate file</source>
        <translation>eine CA-Zertifikatsdatei</translation>
    </message>
</context>
<context>
    <name>verdicts</name>
    <message>
        <location filename="../wizard/core/verdicts.py" line="+94"/>
        <source>Neo: {neo} Cloud Foundry: {cf}</source>
        <translation>Neo: {neo} Cloud Foundry: {cf}</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Monitor → System Log Files</source>
        <translation>Überwachen → Systemprotokolldateien</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The default trace of node {node}, which answered, names the cause: open {trace} ({where}), or give it to cpi-cert-wizard analyze-log together with the access log.</source>
        <translation>Der Standard-Trace des Knotens {node}, der geantwortet hat, nennt die Ursache: Öffnen Sie {trace} ({where}), oder geben Sie ihn zusammen mit dem Zugriffsprotokoll an cpi-cert-wizard analyze-log.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The default trace of node {node}, which answered, names the cause: open {trace} ({where}).</source>
        <translation>Der Default-Trace des Knotens {node}, der geantwortet hat, nennt die Ursache: Öffnen Sie {trace} ({where}).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The default trace of the node that answered names the cause: open {trace} ({where}) of the node whose {access_log} shows this call, or give both files to cpi-cert-wizard analyze-log.</source>
        <translation>Der Standard-Trace des Knotens, der geantwortet hat, nennt die Ursache: Öffnen Sie {trace} ({where}) des Knotens, dessen {access_log} diesen Aufruf zeigt, oder geben Sie beide Dateien an cpi-cert-wizard analyze-log.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The default trace of the node that answered names the cause: open {trace} ({where}) of the node whose {access_log} shows this call.</source>
        <translation>Der Default-Trace des Knotens, der geantwortet hat, nennt die Ursache: Öffnen Sie {trace} ({where}) des Knotens, dessen {access_log} diesen Aufruf zeigt.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The call went through</source>
        <translation>Der Aufruf war erfolgreich</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant accepted the certificate, mapped it to a user with the required role and the integration flow answered with success.</source>
        <translation>Der Tenant hat das Zertifikat akzeptiert, es einem Benutzer mit der nötigen Rolle zugeordnet, und der Integrationsfluss hat mit Erfolg geantwortet.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Nothing to fix. Configure the sender system with the same key, chain and URL (export-p12), and keep an eye on the certificate&apos;s expiry.</source>
        <translation>Nichts zu beheben. Richten Sie das Sendersystem mit demselben Schlüssel, derselben Kette und derselben URL ein (export-p12), und behalten Sie den Ablauf des Zertifikats im Blick.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Nothing to fix. Configure the sender system with the same key, chain and URL (the files of the Export step), and keep an eye on the certificate&apos;s expiry.</source>
        <translation>Nichts zu beheben. Richten Sie das Sendersystem mit demselben Schlüssel, derselben Kette und URL ein (die Dateien des Export-Schritts), und behalten Sie den Ablauf des Zertifikats im Blick.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The tenant&apos;s server certificate is not trusted</source>
        <translation>Dem Serverzertifikat des Tenants wird nicht vertraut</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The load balancer presented a certificate that does not lead to a root this call trusts (or is not valid for this host name), so the call stopped before sending anything.</source>
        <translation>Der Load Balancer hat ein Zertifikat vorgelegt, das zu keinem Root-Zertifikat führt, dem dieser Aufruf vertraut (oder das für diesen Hostnamen nicht gültig ist), daher hat der Aufruf gestoppt, bevor etwas gesendet wurde.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Import the tenant&apos;s load-balancer root into the trust store (step 1: fetch-root), or choose the right one with --trust root|system|FILE. If a company proxy inspects TLS, its root is the one to trust.</source>
        <translation>Importieren Sie das Root-Zertifikat des Load Balancers des Tenants in den Truststore (Schritt 1: fetch-root), oder wählen Sie das richtige mit --trust root|system|FILE. Untersucht ein Firmen-Proxy TLS, ist sein Root-Zertifikat das, dem vertraut werden muss.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Go back to the tenant&apos;s root step and fetch the load balancer&apos;s root again. If a company proxy inspects TLS, its root is the one to trust.</source>
        <translation>Gehen Sie zurück zum Schritt mit dem Stammzertifikat des Tenants und holen Sie das Stammzertifikat des Load Balancers erneut. Prüft ein Firmen-Proxy TLS, ist dessen Stammzertifikat das zu vertrauende.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The load balancer rejected the client certificate</source>
        <translation>Der Load Balancer hat das Client-Zertifikat abgelehnt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The TLS handshake failed with an alert after the client certificate was sent: the chain is incomplete, its root is not one the load balancer accepts, or the certificate is expired or not meant for client authentication.</source>
        <translation>Der TLS-Handshake ist nach dem Senden des Client-Zertifikats mit einem Alert gescheitert: Die Kette ist unvollständig, ihr Root-Zertifikat ist keines, das der Load Balancer akzeptiert, oder das Zertifikat ist abgelaufen oder nicht für die Client-Authentifizierung gedacht.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Send the whole chain (leaf and all intermediates), check the root against SAP&apos;s list of accepted client roots, and check validity and clientAuth in Extended Key Usage.</source>
        <translation>Senden Sie die ganze Kette (End- und alle Zwischenzertifikate), prüfen Sie das Root-Zertifikat gegen die SAP-Liste akzeptierter Client-Roots, und prüfen Sie die Gültigkeit und clientAuth in der Extended Key Usage.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No certificate reached the tenant</source>
        <translation>Kein Zertifikat hat den Tenant erreicht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The call arrived without usable credentials (HTTP 401): the load balancer dropped the client certificate because its chain has a problem (incomplete, root not accepted, self-signed, expired, no clientAuth), or the server never asked for one. The access log shows &apos;-&apos; as the user.</source>
        <translation>Der Aufruf kam ohne nutzbare Anmeldedaten an (HTTP 401): Der Load Balancer hat das Client-Zertifikat verworfen, weil seine Kette ein Problem hat (unvollständig, Root-Zertifikat nicht akzeptiert, selbstsigniert, abgelaufen, kein clientAuth), oder der Server hat nie eines verlangt. Das Zugriffsprotokoll zeigt &apos;-&apos; als Benutzer.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Fix the chain problem named in the evidence: send leaf and all intermediates, use a certificate from a CA whose root is on SAP&apos;s list, never a self-signed one.</source>
        <translation>Beheben Sie das in den Belegen genannte Problem der Kette: Senden Sie End- und alle Zwischenzertifikate, verwenden Sie ein Zertifikat einer CA, deren Root-Zertifikat auf der SAP-Liste steht, nie ein selbstsigniertes.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The load balancer would drop this chain (the tool&apos;s inference)</source>
        <translation>Der Load Balancer würde diese Kette verwerfen (Schlussfolgerung des Programms)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The tenant answered 401 without saying why. The tool cannot see what the load balancer did; from the chain it sends, it believes the load balancer dropped the client certificate, so the call arrived without one. The evidence says why it believes so; the access log line of this call (&apos;-&apos; as the user) would confirm it.</source>
        <translation>Der Tenant hat 401 geantwortet, ohne zu sagen warum. Das Programm sieht nicht, was der Load Balancer getan hat; aufgrund der gesendeten Kette nimmt es an, dass der Load Balancer das Client-Zertifikat verworfen hat und der Aufruf ohne Zertifikat ankam. Die Belege sagen, warum es das annimmt; die Zeile dieses Aufrufs im Zugriffsprotokoll (&apos;-&apos; als Benutzer) würde es bestätigen.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The server never asked for a client certificate</source>
        <translation>Der Server hat nie nach einem Client-Zertifikat gefragt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The server at this address finished the TLS handshake without asking for a client certificate, so none was sent. SAP&apos;s load balancer in front of a runtime node asks for one; this answer came from something else: the management host instead of the runtime host, or an API Management or reverse proxy that ends TLS in front of the tenant.</source>
        <translation>Der Server an dieser Adresse hat den TLS-Handshake beendet, ohne nach einem Client-Zertifikat zu fragen, also wurde keines gesendet. Der Load Balancer von SAP vor einem Laufzeitknoten fragt danach; diese Antwort kam von etwas anderem: dem Management-Host statt des Laufzeit-Hosts, oder einem API Management oder Reverse Proxy, der vor dem Tenant TLS beendet.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Call the runtime host: on Cloud Foundry the url of the integration-flow service key (…-rt.cfapps…), on Neo the host ending in -iflmap…, not the management host. If a proxy or API Management sits in between, it must pass the TLS connection through or present the client certificate itself. Another chain or CA will not change this.</source>
        <translation>Rufen Sie den Laufzeit-Host auf: auf Cloud Foundry die url des Serviceschlüssels mit Plan integration-flow (…-rt.cfapps…), auf Neo den Host, der auf -iflmap… endet, nicht den Management-Host. Sitzt ein Proxy oder API Management dazwischen, muss er die TLS-Verbindung durchreichen oder das Client-Zertifikat selbst vorlegen. Eine andere Kette oder CA ändert daran nichts.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The certificate is not mapped to a user</source>
        <translation>Das Zertifikat ist keinem Benutzer zugeordnet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The chain should pass the load balancer, yet the tenant answered 401: the certificate reached the tenant but is not known there. The access log shows &apos;&lt;subject CN&gt;@&lt;issuer CN&gt;&apos; as the user.</source>
        <translation>Die Kette sollte den Load Balancer passieren, trotzdem hat der Tenant 401 geantwortet: Das Zertifikat hat den Tenant erreicht, ist dort aber nicht bekannt. Das Zugriffsprotokoll zeigt &apos;&lt;subject CN&gt;@&lt;issuer CN&gt;&apos; als Benutzer.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Register exactly this certificate in the tenant.</source>
        <translation>Registrieren Sie genau dieses Zertifikat im Tenant.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add this exact certificate (the client .cer, serial included) in the Certificate-to-User Mapping with a user name; a renewed certificate needs a new entry. If 401s come and go while the same sender also calls with Basic authentication, that is TLS session reuse (SAP KBA 3584034): use one authentication type per sender.</source>
        <translation>Fügen Sie genau dieses Zertifikat (die Client-.cer, einschließlich Seriennummer) in der Zertifikat-zu-Benutzer-Zuordnung mit einem Benutzernamen hinzu; ein erneuertes Zertifikat braucht einen neuen Eintrag. Kommen und gehen 401, während derselbe Sender auch mit Basic-Authentifizierung aufruft, ist das TLS-Session-Wiederverwendung (SAP-KBA 3584034): verwenden Sie eine Authentifizierungsart pro Sender.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Create a service key of type External Certificate (certificate_external) with this leaf certificate as PEM on the Process Integration Runtime instance (plan integration-flow); the certificate must be in exactly one service key. If 401s come and go while the same sender also calls with Basic authentication, that is TLS session reuse (SAP KBA 3584034): use one authentication type per sender.</source>
        <translation>Legen Sie einen Serviceschlüssel vom Typ External Certificate (certificate_external) mit diesem Endzertifikat als PEM auf der Process-Integration-Runtime-Instanz (Plan integration-flow) an; das Zertifikat muss in genau einem Serviceschlüssel stehen. Kommen und gehen 401, während derselbe Sender auch mit Basic-Authentifizierung aufruft, ist das TLS-Session-Wiederverwendung (SAP-KBA 3584034): verwenden Sie eine Authentifizierungsart pro Sender.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The certificate is probably not mapped to a user (the tool&apos;s inference)</source>
        <translation>Das Zertifikat ist wahrscheinlich keinem Benutzer zugeordnet (Schlussfolgerung des Programms)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The tenant answered 401 without saying why. The chain should pass the load balancer, so the tool believes the certificate reached the tenant but is not known there. The access log line of this call (&apos;&lt;subject CN&gt;@&lt;issuer CN&gt;&apos; as the user) would confirm it.</source>
        <translation>Der Tenant hat 401 geantwortet, ohne zu sagen warum. Die Kette sollte den Load Balancer passieren, daher nimmt das Programm an, dass das Zertifikat den Tenant erreicht hat, dort aber unbekannt ist. Die Zeile dieses Aufrufs im Zugriffsprotokoll (&apos;&lt;subject CN&gt;@&lt;issuer CN&gt;&apos; als Benutzer) würde es bestätigen.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Give the mapped user the channel&apos;s role and check the sender channel&apos;s CSRF setting. An SAP ABAP sender gets 403 when the tenant has two or more worker nodes unless the profile parameter ict/disable_cookie_urlencoding is set to 1 or 2 (SAP Note 2681175).</source>
        <translation>Geben Sie dem zugeordneten Benutzer die Rolle des Kanals und prüfen Sie die CSRF-Einstellung des Sender-Kanals. Ein SAP-ABAP-Sender erhält 403, wenn der Tenant zwei oder mehr Worker-Knoten hat, sofern der Profilparameter ict/disable_cookie_urlencoding nicht auf 1 oder 2 steht (SAP-Hinweis 2681175).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Give the mapped user the role the sender channel requires (default ESBMessaging.send) on the application ending in &apos;iflmap&apos; (cockpit → Security → Authorizations), and check the channel&apos;s CSRF protection setting. An SAP ABAP sender with two or more worker nodes on the tenant side needs the profile parameter ict/disable_cookie_urlencoding = 1 or 2 (SAP Note 2681175).</source>
        <translation>Geben Sie dem zugeordneten Benutzer die Rolle, die der Sender-Kanal verlangt (Standard ESBMessaging.send), auf der Anwendung, die auf &apos;iflmap&apos; endet (Cockpit → Sicherheit → Berechtigungen), und prüfen Sie die CSRF-Schutzeinstellung des Kanals. Ein SAP-ABAP-Sender braucht bei zwei oder mehr Worker-Knoten auf Tenant-Seite den Profilparameter ict/disable_cookie_urlencoding = 1 oder 2 (SAP-Hinweis 2681175).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Add the channel&apos;s role (default ESBMessaging.send) to the service instance&apos;s &quot;roles&quot; parameter (role changes can take up to an hour to apply), and check the channel&apos;s CSRF protection setting. An SAP ABAP sender with two or more worker nodes on the tenant side needs the profile parameter ict/disable_cookie_urlencoding = 1 or 2 (SAP Note 2681175).</source>
        <translation>Fügen Sie die Rolle des Kanals (Standard ESBMessaging.send) dem Parameter &quot;roles&quot; der Serviceinstanz hinzu (Rollenänderungen können bis zu einer Stunde brauchen), und prüfen Sie die CSRF-Schutzeinstellung des Kanals. Ein SAP-ABAP-Sender braucht bei zwei oder mehr Worker-Knoten auf Tenant-Seite den Profilparameter ict/disable_cookie_urlencoding = 1 oder 2 (SAP-Hinweis 2681175).</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>Check the host name and port on the first step (the runtime host, port 443), DNS, and whether a firewall or a company proxy is needed (the wizard uses the proxy in HTTPS_PROXY).</source>
        <translation>Prüfen Sie Hostname und Port im ersten Schritt (der Runtime-Host, Port 443), DNS und ob eine Firewall oder ein Firmen-Proxy im Weg ist (der Assistent nutzt den Proxy aus HTTPS_PROXY).</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Check firewalls and proxies (the wizard uses the proxy in HTTPS_PROXY); a slow flow may answer when you try again.</source>
        <translation>Prüfen Sie Firewalls und Proxys (der Assistent nutzt den Proxy aus HTTPS_PROXY); ein langsamer Fluss antwortet vielleicht beim nächsten Versuch.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Something answers at this address, but no TLS session could be set up with it: it speaks plain HTTP or another protocol, closed the connection during the handshake, or has no protocol version in common with the caller.</source>
        <translation>An dieser Adresse antwortet etwas, aber es ließ sich keine TLS-Sitzung aufbauen: es spricht reines HTTP oder ein anderes Protokoll, hat die Verbindung im Handshake geschlossen, oder hat keine Protokollversion mit dem Aufrufer gemeinsam.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Use an https:// URL of the runtime host on port 443; check for a proxy or gateway that intercepts the connection. A .NET sender that reports &apos;Could not create SSL/TLS secure channel&apos; is usually offering only TLS 1.0 or 1.1: enable TLS 1.2 on it.</source>
        <translation>Verwenden Sie eine https://-URL des Laufzeit-Hosts auf Port 443; prüfen Sie, ob ein Proxy oder Gateway die Verbindung abfängt. Ein .NET-Sender, der &apos;Could not create SSL/TLS secure channel&apos; meldet, bietet meist nur TLS 1.0 oder 1.1 an: aktivieren Sie dort TLS 1.2.</translation>
    </message>
    <message>
        <location line="-156"/>
        <source>Authenticated, but not allowed</source>
        <translation>Authentifiziert, aber nicht berechtigt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant knows the certificate&apos;s user (HTTP 403) but that user lacks the role the flow&apos;s sender channel requires, or CSRF protection is on, or the flow&apos;s own client certificate list does not contain this subject and issuer.</source>
        <translation>Der Tenant kennt den Benutzer des Zertifikats (HTTP 403), aber diesem Benutzer fehlt die Rolle, die der Sender-Kanal des Integrationsflusses verlangt, oder der CSRF-Schutz ist eingeschaltet, oder die eigene Client-Zertifikatsliste des Integrationsflusses enthält dieses Subject und diesen Issuer nicht.</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>No integration flow at this address</source>
        <translation>Kein Integrationsfluss unter dieser Adresse</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Authentication passed but nothing listens at this path (HTTP 404), or the host answered with a redirect or &apos;method not allowed&apos; instead of running a flow: a typo, a flow that is not deployed, /http versus /cxf, or the management host instead of the runtime host.</source>
        <translation>Die Authentifizierung war erfolgreich, aber unter diesem Pfad lauscht nichts (HTTP 404), oder der Host hat mit einer Umleitung oder &apos;method not allowed&apos; geantwortet, statt einen Integrationsfluss auszuführen: ein Tippfehler, ein nicht deployter Integrationsfluss, /http statt /cxf, oder der Management-Host statt des Runtime-Hosts.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Check the endpoint address in the deployed flow (Monitor → Manage Integration Content shows the endpoint URL) and use the runtime host.</source>
        <translation>Prüfen Sie die Endpunktadresse im deployten Integrationsfluss (Überwachen → Integrationsinhalt verwalten zeigt die Endpunkt-URL) und verwenden Sie den Runtime-Host.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The message is too large</source>
        <translation>Die Nachricht ist zu groß</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The request is larger than the sender channel allows (HTTP 413).</source>
        <translation>Die Anforderung ist größer, als der Sender-Kanal erlaubt (HTTP 413).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Send a smaller message or raise the maximum body size of the flow&apos;s sender channel.</source>
        <translation>Senden Sie eine kleinere Nachricht oder erhöhen Sie die maximale Body-Größe im Sender-Kanal des Integrationsflusses.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The integration flow ran and failed</source>
        <translation>Der Integrationsfluss lief und ist gescheitert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Authentication and authorization passed; the flow itself ended in an error (HTTP 500, or another status the flow chose).</source>
        <translation>Authentifizierung und Berechtigung waren erfolgreich; der Integrationsfluss selbst endete mit einem Fehler (HTTP 500 oder ein anderer Status, den der Integrationsfluss gewählt hat).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Open the message processing log of this call (Monitor → Monitor Message Processing) for the error; the certificate setup is fine.</source>
        <translation>Öffnen Sie das Nachrichtenverarbeitungsprotokoll dieses Aufrufs (Überwachen → Nachrichtenverarbeitung überwachen), um den Fehler zu sehen; die Zertifikatseinrichtung ist in Ordnung.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The runtime is not available</source>
        <translation>Die Runtime ist nicht verfügbar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant or the flow&apos;s runtime is not available right now (HTTP 502, 503, 504 or 429): being started, updated, overloaded, or the flow is not started.</source>
        <translation>Der Tenant oder die Runtime des Integrationsflusses ist gerade nicht verfügbar (HTTP 502, 503, 504 oder 429): wird gestartet, aktualisiert, ist überlastet, oder der Integrationsfluss ist nicht gestartet.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Check the flow&apos;s deployment status and the tenant&apos;s health, then try again later.</source>
        <translation>Prüfen Sie den Deployment-Status des Integrationsflusses und den Zustand des Tenants, und versuchen Sie es später erneut.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The host cannot be reached</source>
        <translation>Der Host ist nicht erreichbar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No connection could be opened: the host name does not resolve, or the port refuses connections, or there is no route.</source>
        <translation>Es konnte keine Verbindung geöffnet werden: Der Hostname lässt sich nicht auflösen, der Port verweigert Verbindungen, oder es gibt keine Route.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Check the host name and port (the runtime host, port 443), DNS, and whether a firewall or a company proxy (--proxy, HTTPS_PROXY) is needed.</source>
        <translation>Prüfen Sie Hostname und Port (der Runtime-Host, Port 443), DNS, und ob eine Firewall oder ein Firmen-Proxy (--proxy, HTTPS_PROXY) im Spiel ist.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>No answer in time</source>
        <translation>Keine Antwort in der vorgesehenen Zeit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The connection or the answer took longer than the time allowed: a firewall silently drops the traffic, a proxy is needed, or the flow takes longer than the timeout.</source>
        <translation>Die Verbindung oder die Antwort hat länger gedauert als erlaubt: Eine Firewall verwirft den Verkehr stillschweigend, ein Proxy ist nötig, oder der Integrationsfluss braucht länger als das Timeout.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Check firewalls and proxies (--proxy, HTTPS_PROXY); for a slow flow, raise --timeout.</source>
        <translation>Prüfen Sie Firewalls und Proxys (--proxy, HTTPS_PROXY); für einen langsamen Integrationsfluss erhöhen Sie --timeout.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The proxy refused the connection</source>
        <translation>Der Proxy hat die Verbindung abgelehnt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The HTTP proxy could not be used or would not open a tunnel (CONNECT) to the tenant.</source>
        <translation>Der HTTP-Proxy konnte nicht verwendet werden oder wollte keinen Tunnel (CONNECT) zum Tenant öffnen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Check the proxy address and credentials, and ask for CONNECT to the tenant host on port 443 to be allowed; bypass the proxy for this host with NO_PROXY if it is not needed.</source>
        <translation>Prüfen Sie Proxy-Adresse und Anmeldedaten, und lassen Sie CONNECT zum Tenant-Host auf Port 443 freischalten; umgehen Sie den Proxy für diesen Host mit NO_PROXY, wenn er nicht nötig ist.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No TLS session with this port</source>
        <translation>Keine TLS-Sitzung mit diesem Port</translation>
    </message>
</context>
<context>
    <name>workers</name>
    <message>
        <location filename="../wizard/ui/workers.py" line="-277"/>
        <source>Cancelled; nothing was written.</source>
        <translation>Abgebrochen; nichts wurde geschrieben.</translation>
    </message>
    <message>
        <location line="+107"/>
        <source>Something went wrong that is not your fault (%1). Please report it with the log; nothing half-written was kept.</source>
        <translation>Etwas ist schiefgegangen, wofür Sie nichts können (%1). Bitte melden Sie es mit dem Protokoll; nichts halb Geschriebenes wurde behalten.</translation>
    </message>
</context>
</TS>
