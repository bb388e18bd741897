<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>BusyBar</name>
    <message>
        <location filename="../wizard/ui/widgets/busy.py" line="+20"/>
        <source>Working</source>
        <translation>Traitement en cours</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>(Cancel stops it.)</source>
        <translation>(Annuler l&apos;arrête.)</translation>
    </message>
</context>
<context>
    <name>CaEnrollPanel</name>
    <message>
        <location filename="../wizard/ui/widgets/ca_enroll_panel.py" line="+81"/>
        <source>Send to the company CA</source>
        <translation>Envoyer à l&apos;AC de l&apos;entreprise</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>If your company&apos;s CA offers Microsoft AD CS web enrollment (…/certsrv) or EST, the wizard sends the request and brings the certificate back. A request an administrator must approve is kept in the profile: come back later and ask again.</source>
        <translation>Si l&apos;AC de votre entreprise propose l&apos;inscription web Microsoft AD CS (…/certsrv) ou EST, l&apos;assistant envoie la demande et rapporte le certificat. Une demande qu&apos;un administrateur doit approuver est conservée dans le profil&#xa0;: revenez plus tard et redemandez.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>AD CS web enrollment</source>
        <translation>Inscription web AD CS</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>EST (RFC 7030)</source>
        <translation>EST (RFC 7030)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>the template&apos;s short name</source>
        <translation>le nom court du modèle</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Template:</source>
        <translation>&amp;Modèle&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;List</source>
        <translation>O&amp;btenir la liste</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ask the CA which templates it offers you</source>
        <translation>Demander à l&apos;AC quels modèles elle vous propose</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+7"/>
        <source>Templates the CA offers</source>
        <translation>Modèles proposés par l&apos;AC</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>DOMAIN\name</source>
        <translation>DOMAINE\nom</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;User:</source>
        <translation>Uti&amp;lisateur&#xa0;:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>kept in the keyring after it worked</source>
        <translation>conservé dans le trousseau une fois qu&apos;il a fonctionné</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pass&amp;word:</source>
        <translation>Mot d&amp;e passe&#xa0;:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Send to the &amp;company CA</source>
        <translation>Envo&amp;yer à l&apos;AC de l&apos;entreprise</translation>
    </message>
    <message>
        <location line="-33"/>
        <source>Kind o&amp;f CA:</source>
        <translation>&amp;Type d&apos;AC&#xa0;:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>CA a&amp;ddress:</source>
        <translation>&amp;Adresse de l&apos;AC&#xa0;:</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Sign &amp;in with:</source>
        <translation>Co&amp;nnexion avec&#xa0;:</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Ask th&amp;e CA again</source>
        <translation>&amp;Interroger de nouveau l&apos;AC</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Kerberos (the logged-on user)</source>
        <translation>Kerberos (l&apos;utilisateur connecté)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>NTLM (user and password)</source>
        <translation>NTLM (utilisateur et mot de passe)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Basic (user and password)</source>
        <translation>Basic (utilisateur et mot de passe)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>User and password (Basic)</source>
        <translation>Utilisateur et mot de passe (Basic)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The current certificate (renewal)</source>
        <translation>Le certificat actuel (renouvellement)</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>The request is %1.</source>
        <translation>La demande est %1.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Sending the request to the company CA…</source>
        <translation>Envoi de la demande à l&apos;AC de l&apos;entreprise…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Asking the company CA…</source>
        <translation>Interrogation de l&apos;AC de l&apos;entreprise…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Asking the CA for its templates…</source>
        <translation>Demande des modèles à l&apos;AC…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The CA&apos;s request page lists no templates for you: ask the CA administrators for the template name and type it.</source>
        <translation>La page de demande de l&apos;AC ne vous propose aucun modèle&#xa0;: demandez le nom du modèle aux administrateurs de l&apos;AC et saisissez-le.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Still waiting for the CA</source>
        <translation>Toujours en attente de l&apos;AC</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The CA keeps the request pending</source>
        <translation>L&apos;AC garde la demande en attente</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>An administrator must approve it. You can close the program: when you resume this sender system, ask the CA again here.</source>
        <translation>Un administrateur doit l&apos;approuver. Vous pouvez fermer le programme&#xa0;: lorsque vous reprendrez ce système émetteur, redemandez à l&apos;AC ici.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Issued to: %1</source>
        <translation>Délivré à&#xa0;: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Issued by: %1</source>
        <translation>Délivré par&#xa0;: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Valid until: %1</source>
        <translation>Valable jusqu&apos;au&#xa0;: %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The company CA issued the certificate</source>
        <translation>L&apos;AC de l&apos;entreprise a délivré le certificat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The certificate and its chain are stored in the profile. Next shows them.</source>
        <translation>Le certificat et sa chaîne sont enregistrés dans le profil. Suivant les affiche.</translation>
    </message>
</context>
<context>
    <name>CertWizard</name>
    <message>
        <location filename="../wizard/ui/wizard.py" line="+66"/>
        <source>SAP Cloud Integration: client certificate wizard</source>
        <translation>SAP Cloud Integration&#xa0;: assistant de certificat client</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>&amp;Finish</source>
        <translation>&amp;Terminer</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Back to the list of sender systems</source>
        <translation>Retour à la liste des systèmes émetteurs</translation>
    </message>
    <message>
        <location line="+76"/>
        <source>Discard what you typed?</source>
        <translation>Abandonner ce que vous avez saisi&#xa0;?</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>What you typed on this page is not saved yet. Leave the page and lose it? Everything saved before stays in the profile.</source>
        <translation>Ce que vous avez saisi sur cette page n&apos;est pas encore enregistré. Quitter la page et le perdre&#xa0;? Tout ce qui a été enregistré avant reste dans le profil.</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>Stop what is running; nothing is written</source>
        <translation>Arrêter ce qui est en cours&#xa0;; rien n&apos;est écrit</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Close the wizard</source>
        <translation>Fermer l&apos;assistant</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Back to the list of sender systems; what is saved stays</source>
        <translation>Retour à la liste des systèmes émetteurs&#xa0;; ce qui est enregistré reste</translation>
    </message>
</context>
<context>
    <name>CertificateDetails</name>
    <message>
        <location filename="../wizard/ui/widgets/cert_details.py" line="+28"/>
        <source>Certificate details</source>
        <translation>Détails du certificat</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>none</source>
        <translation>aucun</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>yes</source>
        <translation>oui</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no</source>
        <translation>non</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Subject:</source>
        <translation>Sujet&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Issuer:</source>
        <translation>Émetteur&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Serial number:</source>
        <translation>Numéro de série&#xa0;:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Valid from:</source>
        <translation>Valide à partir du&#xa0;:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Valid until:</source>
        <translation>Valide jusqu&apos;au&#xa0;:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Public key:</source>
        <translation>Clé publique&#xa0;:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Signature algorithm:</source>
        <translation>Algorithme de signature&#xa0;:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Certificate authority:</source>
        <translation>Autorité de certification&#xa0;:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Self-signed:</source>
        <translation>Auto-signé&#xa0;:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Key usage:</source>
        <translation>Utilisation de la clé&#xa0;:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Extended key usage:</source>
        <translation>Utilisation étendue de la clé (EKU)&#xa0;:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Subject alternative names:</source>
        <translation>Noms de sujet alternatifs (SAN)&#xa0;:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Authority key identifier:</source>
        <translation>Identifiant de clé de l&apos;autorité (AKI)&#xa0;:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Subject key identifier:</source>
        <translation>Identifiant de clé du sujet (SKI)&#xa0;:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>CA issuers (AIA):</source>
        <translation>Émetteurs de l&apos;AC (AIA)&#xa0;:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>OCSP (AIA):</source>
        <translation>OCSP (AIA)&#xa0;:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>SHA-256 fingerprint:</source>
        <translation>Empreinte SHA-256&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SHA-1 fingerprint:</source>
        <translation>Empreinte SHA-1&#xa0;:</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;PEM:</source>
        <translation>&amp;PEM&#xa0;:</translation>
    </message>
</context>
<context>
    <name>CertificatePage</name>
    <message>
        <location filename="../wizard/ui/pages/certificate.py" line="+116"/>
        <source>Give the files your CA sent (drop them here or choose them: .cer, .crt, .pem, .p7b, in any order), or paste the PEM text. The wizard checks that the certificate belongs to this profile&apos;s key, completes and checks the chain, and stores it.</source>
        <translation>Fournissez les fichiers envoyés par votre AC (déposez-les ici ou choisissez-les&#xa0;: .cer, .crt, .pem, .p7b, dans n&apos;importe quel ordre), ou collez le texte PEM. L&apos;assistant vérifie que le certificat correspond à la clé de ce profil, complète et contrôle la chaîne, puis l&apos;enregistre.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The CA&apos;s &amp;files:</source>
        <translation>&amp;Fichiers de l&apos;AC&#xa0;:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Or &amp;paste the PEM text:</source>
        <translation>Ou collez le te&amp;xte PEM&#xa0;:</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Import and check</source>
        <translation>&amp;Importer et vérifier</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>C&amp;hain:</source>
        <translation>&amp;Chaîne&#xa0;:</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Reading the stored chain…</source>
        <translation>Lecture de la chaîne enregistrée…</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>There are files in the list and pasted text: which is the CA&apos;s reply? Remove the files from the list, or clear the pasted text, then import.</source>
        <translation>Il y a des fichiers dans la liste et du texte collé&#xa0;: lequel est la réponse de l&apos;AC&#xa0;? Retirez les fichiers de la liste ou effacez le texte collé, puis importez.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Checking the chain…</source>
        <translation>Contrôle de la chaîne…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The certificate is stored in the profile</source>
        <translation>Le certificat est enregistré dans le profil</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1, valid until %2.</source>
        <translation>%1, valide jusqu&apos;au %2.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>This reply was not imported; the profile is unchanged. Each problem and its fix is listed below.</source>
        <translation>Cette réponse n&apos;a pas été importée&#xa0;; le profil est inchangé. Chaque problème et sa solution sont indiqués ci-dessous.</translation>
    </message>
</context>
<context>
    <name>ChainView</name>
    <message>
        <location filename="../wizard/ui/pages/trust.py" line="+59"/>
        <location filename="../wizard/ui/widgets/chain_view.py" line="+125"/>
        <source>leaf</source>
        <translation>feuille</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../wizard/ui/widgets/chain_view.py" line="+4"/>
        <source>intermediate</source>
        <translation>intermédiaire</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../wizard/ui/widgets/chain_view.py" line="-2"/>
        <source>root</source>
        <translation>racine</translation>
    </message>
    <message>
        <location line="+7"/>
        <location filename="../wizard/ui/widgets/chain_view.py" line="-30"/>
        <source>sent by server</source>
        <translation>envoyé par le serveur</translation>
    </message>
    <message>
        <location filename="../wizard/ui/widgets/chain_view.py" line="-61"/>
        <source>Certificate</source>
        <translation>Certificat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Issued by</source>
        <translation>Émis par</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Valid until</source>
        <translation>Valide jusqu&apos;au</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source</source>
        <translation>Origine</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Double-click a certificate for its details</source>
        <translation>Double-cliquez sur un certificat pour voir ses détails</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>%1: %2</source>
        <comment>chain role: subject</comment>
        <translation>%1&#xa0;: %2</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>SHA-256 fingerprint: %1</source>
        <translation>Empreinte SHA-256&#xa0;: %1</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>CA reply</source>
        <translation>Réponse de l&apos;AC</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>resolved from certifi (Mozilla&apos;s list)</source>
        <translation>trouvé dans certifi (liste de Mozilla)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>resolved from the system store</source>
        <translation>trouvé dans le magasin système</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>resolved from SAP&apos;s list</source>
        <translation>trouvé dans la liste SAP</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+3"/>
        <source>resolved from %1</source>
        <translation>trouvé dans %1</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>downloaded from %1</source>
        <translation>téléchargé depuis %1</translation>
    </message>
</context>
<context>
    <name>ChooseSecretDialog</name>
    <message>
        <location filename="../wizard/ui/widgets/password_dialog.py" line="+26"/>
        <source>No keyring: choose a passphrase</source>
        <translation>Pas de trousseau&#xa0;: choisissez une phrase secrète</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>At least 8 characters, typed twice. It is not stored anywhere: keep it safe, you will be asked for it once per session.</source>
        <translation>Au moins 8 caractères, saisis deux fois. Elle n&apos;est enregistrée nulle part&#xa0;: conservez-la en lieu sûr, elle vous sera demandée une fois par session.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>&amp;Passphrase:</source>
        <translation>&amp;Phrase secrète&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Repeat:</source>
        <translation>&amp;Répéter&#xa0;:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Show</source>
        <translation>A&amp;fficher</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Too short: at least 8 characters.</source>
        <translation>Trop courte&#xa0;: au moins 8 caractères.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The two entries differ.</source>
        <translation>Les deux saisies diffèrent.</translation>
    </message>
</context>
<context>
    <name>CopyableText</name>
    <message>
        <location filename="../wizard/ui/widgets/copyable.py" line="+30"/>
        <source>Copy</source>
        <translation>Copier</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Save…</source>
        <translation>Enregistrer…</translation>
    </message>
</context>
<context>
    <name>ExportPage</name>
    <message>
        <location filename="../wizard/ui/pages/export.py" line="+86"/>
        <source>The PKCS#12 file (.p12) holds the private key, the certificate and the intermediates: it goes into the sender system&apos;s keystore. Its password only wraps it for the transport; keep the file itself safe.</source>
        <translation>Le fichier PKCS#12 (.p12) contient la clé privée, le certificat et les intermédiaires&#xa0;: il va dans le magasin de clés du système émetteur. Son mot de passe ne le protège que pendant le transport&#xa0;; conservez le fichier lui-même en lieu sûr.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Encryption</source>
        <translation>Chiffrement</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Modern (recommended)</source>
        <translation>&amp;Moderne (recommandé)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Legacy, for old consumers</source>
        <translation>&amp;Historique, pour les anciens logiciels</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Include the &amp;root certificate</source>
        <translation>Inclure le certificat &amp;racine</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Servers never need the root; some keystores want it to show a full chain.</source>
        <translation>Les serveurs n&apos;ont jamais besoin de la racine&#xa0;; certains magasins de clés la demandent pour afficher une chaîne complète.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Alias (friendly name):</source>
        <translation>&amp;Alias (nom convivial)&#xa0;:</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Export</source>
        <translation>&amp;Exporter</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>PKCS#12 pass&amp;word:</source>
        <translation>Mot de passe P&amp;KCS#12&#xa0;:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Show</source>
        <translation>A&amp;fficher</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Copy password</source>
        <translation>&amp;Copier le mot de passe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Open folder</source>
        <translation>&amp;Ouvrir le dossier</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Password of the .p12</source>
        <translation>Mot de passe du .p12</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Generated by the wizard (recommended)</source>
        <translation>&amp;Généré par l&apos;assistant (recommandé)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>C&amp;hosen by me</source>
        <translation>&amp;Défini par moi</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>&amp;Password:</source>
        <translation>&amp;Nouveau mot de passe&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Repeat &amp;it:</source>
        <translation>Répé&amp;ter&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show &amp;typed</source>
        <translation>Afficher la sa&amp;isie</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>8 characters or more, on one line, typed twice. It is kept in the keyring like a generated one; the sender system&apos;s administrator needs it to import the file.</source>
        <translation>8 caractères ou plus, sur une seule ligne, saisis deux fois. Il est conservé dans le trousseau comme un mot de passe généré&#xa0;; l&apos;administrateur du système émetteur en a besoin pour importer le fichier.</translation>
    </message>
    <message numerus="yes">
        <location line="+27"/>
        <source>Too short: %n more character(s) needed.</source>
        <translation>
            <numerusform>Trop court&#xa0;: encore %n caractère nécessaire.</numerusform>
            <numerusform>Trop court&#xa0;: encore %n caractères nécessaires.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The password must be on one line.</source>
        <translation>Le mot de passe doit tenir sur une seule ligne.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The two entries differ.</source>
        <translation>Les deux saisies diffèrent.</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Preparing…</source>
        <translation>Préparation…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Type your password twice (8 characters or more).</source>
        <translation>Saisissez votre mot de passe deux fois (8 caractères ou plus).</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Writing the PKCS#12 and the certificate files…</source>
        <translation>Écriture du PKCS#12 et des fichiers de certificat…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Exported</source>
        <translation>Exporté</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>The password is kept in: %1.</source>
        <translation>Le mot de passe est conservé dans&#xa0;: %1.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The password is not kept anywhere (%1).</source>
        <translation>Le mot de passe n&apos;est conservé nulle part (%1).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Files:</source>
        <translation>Fichiers&#xa0;:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>key, certificate and intermediates, for the sender&apos;s keystore</source>
        <translation>clé, certificat et intermédiaires, pour le magasin de clés de l&apos;émetteur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the certificate (DER), for the tenant (Neo mapping)</source>
        <translation>le certificat (DER), pour le tenant (mappage Neo)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the certificate (PEM), for the tenant (Cloud Foundry service key)</source>
        <translation>le certificat (PEM), pour le tenant (clé de service Cloud Foundry)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>certificate and intermediates (PEM), for curl and Postman</source>
        <translation>certificat et intermédiaires (PEM), pour curl et Postman</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>• %1: %2</source>
        <translation>• %1&#xa0;: %2</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Password copied</source>
        <translation>Mot de passe copié</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paste it where the sender system asks for the PKCS#12 password.</source>
        <translation>Collez-le là où le système émetteur demande le mot de passe PKCS#12.</translation>
    </message>
</context>
<context>
    <name>FileDropList</name>
    <message>
        <location filename="../wizard/ui/widgets/file_drop.py" line="+59"/>
        <source>Drop the CA&apos;s files here</source>
        <translation>Déposez ici les fichiers de l&apos;AC</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose files…</source>
        <translation>Choisir des fichiers…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remove</source>
        <translation>Retirer</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>The CA&apos;s reply</source>
        <translation>Réponse de l&apos;AC</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificates (*.cer *.crt *.pem *.der *.p7b *.p7c *.p7 *.txt);;All files (*)</source>
        <translation>Certificats (*.cer *.crt *.pem *.der *.p7b *.p7c *.p7 *.txt);;Tous les fichiers (*)</translation>
    </message>
</context>
<context>
    <name>KeyPage</name>
    <message>
        <location filename="../wizard/ui/pages/key.py" line="+140"/>
        <source>The key pair is made on this computer and never leaves it; the CA only sees the request (CSR). Only the common name is required: it may be any name the tenant administrators recognise, without leading or trailing spaces.</source>
        <translation>La paire de clés est générée sur cet ordinateur et ne le quitte jamais&#xa0;; l&apos;AC ne voit que la demande (CSR). Seul le nom commun est obligatoire&#xa0;: tout nom que les administrateurs du tenant reconnaîtront, sans espace au début ni à la fin.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Common name (CN):</source>
        <translation>&amp;Nom commun (CN)&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Organizational &amp;unit (OU):</source>
        <translation>&amp;Unité d&apos;organisation (OU)&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Organization (O):</source>
        <translation>&amp;Organisation (O)&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Locality (L):</source>
        <translation>&amp;Localité (L)&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;State or province (ST):</source>
        <translation>&amp;Région ou province (ST)&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Countr&amp;y (C):</source>
        <translation>Pa&amp;ys (C)&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-&amp;mail address:</source>
        <translation>Adresse e-&amp;mail&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Subject</source>
        <translation>Sujet</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>optional, e.g. DNS:erp.example.com, email:it@x.com</source>
        <translation>facultatif, p. ex. DNS:erp.example.com, email:it@x.com</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Subject &amp;alternative names:</source>
        <translation>Noms de sujet &amp;alternatifs&#xa0;:</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>RSA 2048 bits (oldest senders)</source>
        <translation>RSA 2048 bits (émetteurs les plus anciens)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>RSA 3072 bits (recommended)</source>
        <translation>RSA 3072 bits (recommandé)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>RSA 4096 bits</source>
        <translation>RSA 4096 bits</translation>
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
        <translation>Type de &amp;clé&#xa0;:</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Generate key and request</source>
        <translation>&amp;Générer la clé et la demande</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Certificate &amp;request (CSR):</source>
        <translation>&amp;Demande de certificat (CSR)&#xa0;:</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Send this request to your CA and ask for a client authentication certificate (Extended Key Usage clientAuth), delivered with the whole chain, from a CA whose root is on SAP&apos;s list of trusted client roots. A certificate sold as a TLS/SSL server certificate may lack clientAuth: SAP then rejects it.</source>
        <translation>Envoyez cette demande à votre AC et demandez un certificat d&apos;authentification client (Extended Key Usage clientAuth), livré avec toute la chaîne, émis par une AC dont la racine figure sur la liste SAP des racines client approuvées. Un certificat vendu comme certificat serveur TLS/SSL peut ne pas comporter clientAuth&#xa0;: SAP le refuse alors.</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Reading the profile…</source>
        <translation>Lecture du profil…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Renewal: a new key with the same subject</source>
        <translation>Renouvellement&#xa0;: nouvelle clé, même sujet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The current key, request and certificate are moved to the profile&apos;s archive folder; the current certificate keeps working until the sender uses the new one.</source>
        <translation>La clé, la demande et le certificat actuels sont déplacés dans le dossier d&apos;archive du profil&#xa0;; le certificat actuel continue de fonctionner jusqu&apos;à ce que l&apos;émetteur utilise le nouveau.</translation>
    </message>
    <message>
        <location line="+93"/>
        <source>Generating the key pair…</source>
        <translation>Génération de la paire de clés…</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Subject: %1. Key: %2.</source>
        <translation>Sujet&#xa0;: %1. Clé&#xa0;: %2.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>nowhere (no keyring: %1)</source>
        <translation>aucun trousseau (il n&apos;y en a pas&#xa0;: %1)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Saved: the request in %1, the encrypted key in %2; its passphrase is kept in %3. Once you go on, this key stays; for another one later, use Renew on the start page.</source>
        <translation>Enregistré&#xa0;: la demande dans %1, la clé chiffrée dans %2&#xa0;; sa phrase secrète est conservée dans %3. Une fois que vous continuez, cette clé est conservée&#xa0;; pour en créer une autre plus tard, utilisez Renouveler sur la page d&apos;accueil.</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>the keyring</source>
        <translation>le trousseau de clés</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Save the certificate request</source>
        <translation>Enregistrer la demande de certificat</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificate requests (*.csr *.pem)</source>
        <translation>Demandes de certificat (*.csr *.pem)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Saving…</source>
        <translation>Enregistrement…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Saved %1</source>
        <translation>%1 enregistré</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Key generation cancelled</source>
        <translation>Génération de la clé annulée</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No key and no request were written. Change what you like and generate again.</source>
        <translation>Aucune clé ni demande n&apos;a été écrite. Modifiez ce que vous voulez et relancez la génération.</translation>
    </message>
</context>
<context>
    <name>Page</name>
    <message>
        <location filename="../wizard/ui/pages/base.py" line="+121"/>
        <source>Step %1 of %2</source>
        <translation>Étape %1 sur %2</translation>
    </message>
    <message>
        <location line="+90"/>
        <source>Too late to cancel: the result is being saved…</source>
        <translation>Trop tard pour annuler&#xa0;: le résultat est en cours d&apos;enregistrement…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancelled; nothing was written.</source>
        <translation>Annulé&#xa0;; rien n&apos;a été écrit.</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>This needs your attention</source>
        <translation>Votre attention est requise</translation>
    </message>
</context>
<context>
    <name>SecretPrompt</name>
    <message>
        <location filename="../wizard/ui/workers.py" line="+313"/>
        <source>Passphrase needed</source>
        <translation>Phrase secrète requise</translation>
    </message>
</context>
<context>
    <name>StartPage</name>
    <message>
        <location filename="../wizard/ui/pages/start_shell.py" line="+22"/>
        <source>Each sender system (an SAP system, a Java or .NET application, Postman…) gets a profile: its key, its certificate, and the tenant it calls.</source>
        <translation>Chaque système émetteur (système SAP, application Java ou .NET, Postman…) a son profil&#xa0;: sa clé, son certificat et le tenant qu&apos;il appelle.</translation>
    </message>
    <message>
        <location filename="../wizard/ui/pages/start.py" line="+138"/>
        <source>&amp;Sender systems:</source>
        <translation>S&amp;ystèmes émetteurs&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Filter:</source>
        <translation>&amp;Filtrer&#xa0;:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>name, host, subject, state…</source>
        <translation>nom, hôte, sujet, état…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Environment</source>
        <translation>Environnement</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tenant host</source>
        <translation>Hôte du tenant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subject CN</source>
        <translation>CN du sujet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expires</source>
        <translation>Expiration</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SAP-signed</source>
        <translation>Signé par SAP</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>No sender systems yet. Start with a new one, or try the whole flow first with the sandbox tenant: it runs on this computer and needs no SAP account.</source>
        <translation>Aucun système émetteur pour l&apos;instant. Commencez par en créer un, ou essayez d&apos;abord tout le processus avec le tenant bac à sable&#xa0;: il s&apos;exécute sur cet ordinateur et ne nécessite aucun compte SAP.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>&amp;Resume</source>
        <translation>&amp;Reprendre</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Re&amp;move…</source>
        <translation>Suppri&amp;mer…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Certificate &amp;details…</source>
        <translation>&amp;Détails du certificat…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Subject, issuer, validity, key, extensions and fingerprints</source>
        <translation>Sujet, émetteur, validité, clé, extensions et empreintes</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Try it with the sandbox tenant</source>
        <translation>&amp;Essayer avec le tenant bac à sable</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A new key and request with the same subject, for a new certificate</source>
        <translation>Nouvelle clé et nouvelle demande avec le même sujet, pour un nouveau certificat</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Deletes the profile&apos;s folder and its keyring entries</source>
        <translation>Supprime le dossier du profil et ses entrées du trousseau</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>&amp;Language:</source>
        <translation>&amp;Langue&#xa0;:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>System default</source>
        <translation>Langue du système</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Saved. The new language is used the next time the wizard starts.</source>
        <translation>Enregistré. La nouvelle langue sera utilisée au prochain démarrage de l&apos;assistant.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Client roots judged against:</source>
        <translation>Racines client jugées d&apos;après&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add r&amp;oots file…</source>
        <translation>A&amp;jouter un fichier de racines…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Use SAP&apos;s l&amp;ist only</source>
        <translation>Liste SAP &amp;uniquement</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A PEM file of root certificates that SAP&apos;s pages name but the bundled list lacks: they count as accepted from now on</source>
        <translation>Un fichier PEM de certificats racines que les pages de SAP citent mais que la liste fournie ne contient pas&#xa0;: ils comptent désormais comme acceptés</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>SAP&apos;s bundled list plus %1</source>
        <translation>Liste SAP fournie plus %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>SAP&apos;s bundled list (BTP trust store)</source>
        <translation>Liste SAP fournie (magasin de confiance BTP)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Roots to add to SAP&apos;s list</source>
        <translation>Racines à ajouter à la liste SAP</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>Certificats (*.pem *.crt *.cer);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <location line="+140"/>
        <source>%1 (expired)</source>
        <translation>%1 (expiré)</translation>
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
        <translation>illisible</translation>
    </message>
    <message>
        <location line="-260"/>
        <source>Ne&amp;w sender system</source>
        <translation>&amp;Nouveau système émetteur</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ren&amp;ew</source>
        <translation>Renou&amp;veler</translation>
    </message>
    <message>
        <location line="+242"/>
        <source>Reading the profiles… %1 of %2</source>
        <translation>Lecture des profils… %1 sur %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 of %2 shown</source>
        <translation>Affichage&#xa0;: %1 sur %2</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>yes, SAP renews it</source>
        <translation>oui, SAP le renouvelle</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>yes, renewed by hand</source>
        <translation>oui, renouvelé manuellement</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>yes</source>
        <comment>signed by SAP</comment>
        <translation>oui</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Signed by SAP through the subaccount&apos;s Destination service</source>
        <translation>Signé par SAP via le service Destination du sous-compte</translation>
    </message>
    <message numerus="yes">
        <location line="+17"/>
        <source>%n day(s) left</source>
        <translation>
            <numerusform>%n jour restant</numerusform>
            <numerusform>%n jours restants</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>new</source>
        <translation>nouveau</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>waiting for the CA</source>
        <translation>en attente de l&apos;AC</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>certificate imported</source>
        <translation>certificat importé</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>entered in the tenant</source>
        <translation>saisi dans le tenant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>tested</source>
        <translation>testé</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>The sandbox tenant is already running in this window: resume its profile from the list (its name starts with sandbox-demo).</source>
        <translation>Le tenant bac à sable tourne déjà dans cette fenêtre&#xa0;: reprenez son profil dans la liste (son nom commence par sandbox-demo).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Walk the whole flow with a tenant that runs on this computer</source>
        <translation>Parcourir tout le processus avec un tenant qui tourne sur cet ordinateur</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>No keyring: secrets are not stored</source>
        <translation>Pas de trousseau&#xa0;: les secrets ne sont pas enregistrés</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No usable OS keyring was found (on Linux a SecretService such as GNOME Keyring or KWallet, unlocked). The wizard will ask you for the key passphrase and the PKCS#12 password when it needs them; keep them somewhere safe.</source>
        <translation>Aucun trousseau de clés utilisable n&apos;a été trouvé (sous Linux, un service SecretService tel que GNOME Keyring ou KWallet, déverrouillé). L&apos;assistant vous demandera la phrase secrète de la clé et le mot de passe PKCS#12 quand il en aura besoin&#xa0;; conservez-les en lieu sûr.</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>Reading the certificate of %1…</source>
        <translation>Lecture du certificat de %1…</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Opening %1…</source>
        <translation>Ouverture de %1…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Remove sender system</source>
        <translation>Supprimer le système émetteur</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remove the profile %1? Its folder (key, certificate, PKCS#12 and the other files) and its keyring entries are deleted. Copies you gave to the sender system or the tenant are not touched.</source>
        <translation>Supprimer le profil %1&#xa0;? Son dossier (clé, certificat, PKCS#12 et autres fichiers) et ses entrées du trousseau sont supprimés. Les copies remises au système émetteur ou au tenant ne sont pas touchées.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Removing %1…</source>
        <translation>Suppression de %1…</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Starting the sandbox tenant…</source>
        <translation>Démarrage du tenant bac à sable…</translation>
    </message>
</context>
<context>
    <name>SummaryPage</name>
    <message>
        <location filename="../wizard/ui/pages/summary.py" line="+70"/>
        <source>&amp;Which file goes where:</source>
        <translation>&amp;Quel fichier va où&#xa0;:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>File</source>
        <translation>Fichier</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Contains</source>
        <translation>Contenu</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Goes to</source>
        <translation>Destination</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>&amp;Your sender:</source>
        <translation>&amp;Votre système émetteur&#xa0;:</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Add &amp;reminder to calendar…</source>
        <translation>Ajouter un &amp;rappel au calendrier…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Open the folder</source>
        <translation>&amp;Ouvrir le dossier</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>%1 is set up: the test call went through.</source>
        <translation>%1 est configuré&#xa0;: l&apos;appel de test a abouti.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 is not set up yet: the last test call failed: %2</source>
        <translation>%1 n&apos;est pas encore configuré&#xa0;: le dernier appel de test a échoué&#xa0;: %2</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1: not tested yet.</source>
        <translation>%1&#xa0;: pas encore testé.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Go back to step %1: %2</source>
        <translation>Revenir à l&apos;ét&amp;ape %1&#xa0;: %2</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The certificate expires on %1. Renew it before then: Renew on the start page makes a new key and request with the same subject.</source>
        <translation>Le certificat expire le %1. Renouvelez-le d&apos;ici là&#xa0;: Renouveler, sur la page d&apos;accueil, crée une nouvelle clé et une nouvelle demande avec le même sujet.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>All files are in %1.</source>
        <translation>Tous les fichiers sont dans %1.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Listing the files…</source>
        <translation>Liste des fichiers…</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>Save the calendar reminder</source>
        <translation>Enregistrer le rappel de calendrier</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Calendar files (*.ics)</source>
        <translation>Fichiers de calendrier (*.ics)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Renew the client certificate of %1</source>
        <translation>Renouveler le certificat client de %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The certificate %1 expires on %2 (in %3 days from this reminder). Open cpi-cert-wizard, choose %4 and Renew.</source>
        <translation>Le certificat %1 expire le %2 (dans %3 jours à compter de ce rappel). Ouvrez cpi-cert-wizard, choisissez %4, puis Renouveler.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Writing the reminder…</source>
        <translation>Écriture du rappel…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Reminder saved</source>
        <translation>Rappel enregistré</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open %1 with your calendar to add it.</source>
        <translation>Ouvrez %1 avec votre calendrier pour l&apos;ajouter.</translation>
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
        <translation>En&amp;vironnement&#xa0;:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Certificate-to-User Mapping or service key (recommended)</source>
        <translation>Mappage certificat-utilisateur ou clé de service (recommandé)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificate in the integration flow (not recommended: every renewal needs a redeploy)</source>
        <translation>Certificat dans le flux d&apos;intégration (déconseillé&#xa0;: chaque renouvellement impose un redéploiement)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;How the tenant checks the certificate:</source>
        <translation>&amp;Contrôle du certificat par le tenant&#xa0;:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;User the certificate maps to:</source>
        <translation>&amp;Utilisateur associé au certificat&#xa0;:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Roles of the sender channel:</source>
        <translation>&amp;Rôles du canal émetteur&#xa0;:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Service &amp;instance:</source>
        <translation>&amp;Instance de service&#xa0;:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Service &amp;key name:</source>
        <translation>&amp;Nom de la clé de service&#xa0;:</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Up&amp;date</source>
        <translation>&amp;Mettre à jour</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Do it in the &amp;sandbox tenant</source>
        <translation>Le faire dans le tenan&amp;t bac à sable</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Checklist: tick what you have done</source>
        <translation>Liste de contrôle&#xa0;: cochez ce que vous avez fait</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Publish through the tenant&apos;s API (optional)</source>
        <translation>Publier via l&apos;API du tenant (facultatif)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Management host:</source>
        <translation>&amp;Hôte de gestion&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>API u&amp;ser:</source>
        <translation>Utilisateur &amp;API&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>API pass&amp;word:</source>
        <translation>Mot de pass&amp;e API&#xa0;:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Publish</source>
        <translation>Pu&amp;blier</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>Second option, not recommended: the integration flow&apos;s sender channel checks the certificate itself (Authorization = Client Certificate). Upload client.crt there or type its Subject DN and Issuer DN, then deploy the flow. Every renewal means editing and redeploying the flow.</source>
        <translation>Seconde option, déconseillée&#xa0;: le canal émetteur du flux d&apos;intégration vérifie lui-même le certificat (Autorisation = Certificat client). Chargez-y client.crt ou saisissez son DN de sujet et son DN d&apos;émetteur, puis déployez le flux. Chaque renouvellement impose de modifier et de redéployer le flux.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Neo: upload the client certificate in Certificate-to-User Mappings with a user name (any name), then give that user the sender channel&apos;s role.</source>
        <translation>Neo&#xa0;: chargez le certificat client dans Mappages certificat-utilisateur avec un nom d&apos;utilisateur (au choix), puis attribuez à cet utilisateur le rôle du canal émetteur.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cloud Foundry: a Process Integration Runtime instance (plan integration-flow) holds the roles; a service key of type External Certificate holds the leaf certificate. The key&apos;s client id becomes the user.</source>
        <translation>Cloud Foundry&#xa0;: une instance Process Integration Runtime (plan integration-flow) porte les rôles&#xa0;; une clé de service de type External Certificate contient le certificat feuille. L&apos;ID client de la clé devient l&apos;utilisateur.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Preparing the certificate for the integration flow…</source>
        <translation>Préparation du certificat pour le flux d&apos;intégration…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Preparing the tenant entry…</source>
        <translation>Préparation de l&apos;entrée dans le tenant…</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Sub&amp;ject DN to type into the sender channel:</source>
        <translation>DN du su&amp;jet à saisir dans le canal émetteur&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Issuer DN:</source>
        <translation>&amp;DN de l&apos;émetteur&#xa0;:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Or upload this file in the sender channel (Authorization = Client Certificate → Add → Select): %1</source>
        <translation>Ou chargez ce fichier dans le canal émetteur (Autorisation = Certificat client → Ajouter → Sélectionner)&#xa0;: %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>B&amp;ody for the mapping API (the tenant will show Id %1):</source>
        <translation>C&amp;orps pour l&apos;API de mappage (le tenant affichera l&apos;Id %1)&#xa0;:</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Service key &amp;parameters (External Certificate):</source>
        <translation>Paramètres de la clé de service (E&amp;xternal Certificate)&#xa0;:</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Certificate &amp;file to upload:</source>
        <translation>Fichier de certificat à char&amp;ger&#xa0;:</translation>
    </message>
    <message>
        <location line="-217"/>
        <source>Key validity:</source>
        <translation>Validité de la clé&#xa0;:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not set for an External Certificate service key: SAP documents a validity only for keys SAP generates; this key is valid as long as the certificate itself.</source>
        <translation>Non défini pour une clé de service External Certificate&#xa0;: SAP ne documente une validité que pour les clés que SAP génère&#xa0;; cette clé est valable aussi longtemps que le certificat lui-même.</translation>
    </message>
    <message>
        <location line="+219"/>
        <source>cf &amp;commands (run them in the profile folder):</source>
        <translation>Commandes cf (à exécuter dans le &amp;dossier du profil)&#xa0;:</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Make the test call on the next page (Test call).</source>
        <translation>Faites l&apos;appel de test à la page suivante (Appel de test).</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Mapping the certificate in the sandbox…</source>
        <translation>Mappage du certificat dans le bac à sable…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The sandbox tenant knows the certificate</source>
        <translation>Le tenant bac à sable connaît le certificat</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mapped to user %1 with the roles %2.</source>
        <translation>Associé à l&apos;utilisateur %1 avec les rôles %2.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Give the management host, the API user and its password to publish.</source>
        <translation>Indiquez l&apos;hôte de gestion, l&apos;utilisateur API et son mot de passe pour publier.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Publishing the mapping…</source>
        <translation>Publication du mappage…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Published</source>
        <translation>Publié</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The tenant stored the mapping with Id %1 for user %2.</source>
        <translation>Le tenant a enregistré le mappage avec l&apos;Id %1 pour l&apos;utilisateur %2.</translation>
    </message>
</context>
<context>
    <name>TenantPage</name>
    <message>
        <location filename="../wizard/ui/pages/tenant.py" line="+58"/>
        <source>Name the sender system (the system that will call the tenant) and paste the endpoint URL of the integration flow, or just the tenant&apos;s runtime host.</source>
        <translation>Nommez le système émetteur (celui qui appellera le tenant) et collez l&apos;URL du point de terminaison du flux d&apos;intégration, ou simplement l&apos;hôte d&apos;exécution du tenant.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>for example ERP-PRD</source>
        <translation>par exemple ERP-PRD</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Detect from the host</source>
        <translation>Détecter d&apos;après l&apos;hôte</translation>
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
        <translation>&amp;Nom du profil&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Endpoint URL or host:</source>
        <translation>&amp;URL du point de terminaison ou hôte&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>En&amp;vironment:</source>
        <translation>En&amp;vironnement&#xa0;:</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>This is the sandbox tenant: it runs inside this program on 127.0.0.1 and behaves like a Neo tenant, with its own demo CA. Nothing leaves this computer.</source>
        <translation>Voici le tenant bac à sable&#xa0;: il s&apos;exécute dans ce programme sur 127.0.0.1 et se comporte comme un tenant Neo, avec sa propre AC de démonstration. Rien ne quitte cet ordinateur.</translation>
    </message>
    <message>
        <location line="+40"/>
        <location line="+30"/>
        <source>Give the profile a name.</source>
        <translation>Donnez un nom au profil.</translation>
    </message>
    <message>
        <location line="-21"/>
        <location line="+34"/>
        <source>Paste the endpoint URL or the host.</source>
        <translation>Collez l&apos;URL du point de terminaison ou l&apos;hôte.</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Note: the host looks like %1, not %2.</source>
        <translation>Remarque&#xa0;: l&apos;hôte ressemble à %1, pas à %2.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Detected from the host: %1.</source>
        <translation>Détecté d&apos;après l&apos;hôte&#xa0;: %1.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The host does not tell; fetching the tenant&apos;s root on the next page may, or choose it here.</source>
        <translation>L&apos;hôte ne l&apos;indique pas&#xa0;; la lecture de la racine du tenant (page suivante) le dira peut-être, sinon choisissez-le ici.</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Saving the profile…</source>
        <translation>Enregistrement du profil…</translation>
    </message>
</context>
<context>
    <name>TestCallPage</name>
    <message>
        <location filename="../wizard/ui/pages/test_call.py" line="+85"/>
        <source>The wizard calls the endpoint the way the sender system will: with the key, the certificate and all intermediates, trusting the tenant&apos;s root.</source>
        <translation>L&apos;assistant appelle le point de terminaison comme le fera le système émetteur&#xa0;: avec la clé, le certificat et tous les intermédiaires, en faisant confiance à la racine du tenant.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Endpoint URL:</source>
        <translation>&amp;URL du point de terminaison&#xa0;:</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+31"/>
        <source>&amp;Call</source>
        <translation>&amp;Appeler</translation>
    </message>
    <message>
        <location line="-30"/>
        <source>Open an &amp;access log…</source>
        <translation>&amp;Ouvrir un journal d&apos;accès…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>E&amp;vidence:</source>
        <translation>&amp;Constats&#xa0;:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The same call with c&amp;url:</source>
        <translation>Le même appel avec cu&amp;rl&#xa0;:</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>&amp;Retry</source>
        <translation>Ré&amp;essayer</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>Calling the endpoint…</source>
        <translation>Appel du point de terminaison…</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>The call was abandoned.</source>
        <translation>L&apos;appel a été abandonné.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>SAP HTTP access log</source>
        <translation>Journal d&apos;accès HTTP SAP</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Access logs (http_access_*.log *.log *.gz);;All files (*)</source>
        <translation>Journaux d&apos;accès (http_access_*.log *.log *.gz);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Reading the access log…</source>
        <translation>Lecture du journal d&apos;accès…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The log has no calls to this endpoint.</source>
        <translation>Le journal ne contient aucun appel à ce point de terminaison.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 %2 %3 → %4: %5</source>
        <translation>%1 %2 %3 → %4&#xa0;: %5</translation>
    </message>
</context>
<context>
    <name>TrustPage</name>
    <message>
        <location filename="../wizard/ui/pages/trust.py" line="+41"/>
        <source>the tenant root</source>
        <translation>la racine du tenant</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The sender system must trust the tenant&apos;s load balancer. The wizard reads the certificate chain the tenant presents and finds its root: that root goes into the sender&apos;s trust store.</source>
        <translation>Le système émetteur doit faire confiance au répartiteur de charge du tenant. L&apos;assistant lit la chaîne de certificats présentée par le tenant et en trouve la racine&#xa0;: c&apos;est elle qui va dans le magasin de confiance de l&apos;émetteur.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Where the root goes: SAP ABAP (STRUST): SSL client PSE → Import certificate → Add to Certificate List. Java: keytool -importcert -keystore truststore.jks -file tenant-root.cer. Postman: Settings → Certificates → CA certificates → tenant-root.pem.</source>
        <translation>Où va la racine&#xa0;: SAP ABAP (STRUST)&#xa0;: PSE client SSL → Importer le certificat → Ajouter à la liste des certificats. Java&#xa0;: keytool -importcert -keystore truststore.jks -file tenant-root.cer. Postman&#xa0;: Settings → Certificates → CA certificates → tenant-root.pem.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Fetch the chain again</source>
        <translation>&amp;Relire la chaîne</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Save root as .&amp;pem…</source>
        <translation>Enregistrer la racine en .pe&amp;m…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Chain presented by the tenant:</source>
        <translation>C&amp;haîne présentée par le tenant&#xa0;:</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Skip for now: I will get the root another way (SAP&apos;s Connectivity Test)</source>
        <translation>&amp;Ignorer pour l&apos;instant&#xa0;: j&apos;obtiendrai la racine autrement (test de connectivité SAP)</translation>
    </message>
    <message>
        <location line="-16"/>
        <source>Save root as .c&amp;er…</source>
        <translation>Enregistrer la racine en .c&amp;er…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Save this root &amp;anyway…</source>
        <translation>Enregistrer cette racine &amp;quand même…</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Reading the chain of %1…</source>
        <translation>Lecture de la chaîne de %1…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The tenant&apos;s chain could not be read</source>
        <translation>Impossible de lire la chaîne du tenant</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Go Back to correct the URL, fetch again, or tick Skip to go on without it.</source>
        <translation>Revenez en arrière (Précédent) pour corriger l&apos;URL, relancez la lecture, ou cochez Ignorer pour continuer sans elle.</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>The root %1 is saved in %2 as tenant-root.cer and tenant-root.pem: it goes into the sender system&apos;s trust store.</source>
        <translation>La racine %1 est enregistrée dans %2 sous tenant-root.cer et tenant-root.pem&#xa0;: elle va dans le magasin de confiance du système émetteur.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>This chain does not come from SAP: its root is known to no public list, as when a company proxy inspects TLS and shows its own certificate. Saving it would make the sender trust the proxy, not the tenant. Nothing was saved.</source>
        <translation>Cette chaîne ne vient pas de SAP&#xa0;: sa racine ne figure sur aucune liste publique, comme lorsqu&apos;un proxy d&apos;entreprise inspecte le TLS et présente son propre certificat. L&apos;enregistrer ferait faire confiance au proxy par l&apos;émetteur, et non au tenant. Rien n&apos;a été enregistré.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This chain is not valid for the tenant&apos;s host (see above): it may come from a proxy or another server. Nothing was saved; the sender must not trust it as the tenant&apos;s root.</source>
        <translation>Cette chaîne n&apos;est pas valide pour l&apos;hôte du tenant (voir ci-dessus)&#xa0;: elle peut venir d&apos;un proxy ou d&apos;un autre serveur. Rien n&apos;a été enregistré&#xa0;; l&apos;émetteur ne doit pas lui faire confiance comme racine du tenant.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Save a root that did not check out?</source>
        <translation>Enregistrer une racine qui n&apos;a pas été validée&#xa0;?</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The chain of %1 did not check out. If you save its root %2, the sender system will trust whoever presented it, which may be a proxy and not SAP. Save it only when you know this server is the tenant (for example a tenant behind your own load balancer).</source>
        <translation>La chaîne de %1 n&apos;a pas été validée. Si vous enregistrez sa racine %2, le système émetteur fera confiance à celui qui l&apos;a présentée, qui peut être un proxy et non SAP. Ne l&apos;enregistrez que si vous savez que ce serveur est le tenant (par exemple un tenant derrière votre propre répartiteur de charge).</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Fetching cancelled; nothing was saved.</source>
        <translation>Lecture annulée&#xa0;; rien n&apos;a été enregistré.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fetch again, or tick Skip to go on without the root.</source>
        <translation>Relancez la lecture, ou cochez Ignorer pour continuer sans la racine.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Save the tenant root</source>
        <translation>Enregistrer la racine du tenant</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificates (*%1)</source>
        <translation>Certificats (*%1)</translation>
    </message>
    <message>
        <location line="-24"/>
        <location line="+31"/>
        <source>Saving…</source>
        <translation>Enregistrement…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Saved %1</source>
        <translation>%1 enregistré</translation>
    </message>
</context>
<context>
    <name>VerdictBanner</name>
    <message>
        <location filename="../wizard/ui/widgets/verdict.py" line="+49"/>
        <source>Next step: </source>
        <translation>Étape suivante&#xa0;: </translation>
    </message>
</context>
<context>
    <name>WaitingPage</name>
    <message>
        <location filename="../wizard/ui/pages/waiting.py" line="+127"/>
        <source>Send the request to your CA and wait for the signed certificate. This can take days: you can close the program now. When you open it again, choose this sender system and Resume; you will come back to this page.</source>
        <translation>Envoyez la demande à votre AC et attendez le certificat signé. Cela peut prendre des jours&#xa0;: vous pouvez fermer le programme. À la réouverture, choisissez ce système émetteur puis Reprendre&#xa0;; vous reviendrez sur cette page.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Certificate &amp;request (CSR):</source>
        <translation>&amp;Demande de certificat (CSR)&#xa0;:</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Ask for: a client authentication certificate (Extended Key Usage clientAuth), with the whole chain (intermediates), from a CA whose root is on SAP&apos;s list. Any file format the CA sends is fine: .cer, .crt, .pem, .p7b.</source>
        <translation>Demandez un certificat d&apos;authentification client (Extended Key Usage clientAuth), avec toute la chaîne (intermédiaires), émis par une AC dont la racine figure sur la liste SAP. Tout format de fichier envoyé par l&apos;AC convient&#xa0;: .cer, .crt, .pem, .p7b.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Open the profile folder</source>
        <translation>&amp;Ouvrir le dossier du profil</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Sign with the sandbox CA</source>
        <translation>Si&amp;gner avec l&apos;AC du bac à sable</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Or have SAP sign it</source>
        <translation>Ou le faire signer par SAP</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP&apos;s Destination service (SAP BTP, Cloud Foundry) signs this request under SAP Cloud Root CA, with client authentication. You need a service key of a Destination service instance (plan lite), downloaded as a .json file from the BTP cockpit.</source>
        <translation>Le service Destination de SAP (SAP BTP, Cloud Foundry) signe cette demande sous SAP Cloud Root CA, avec authentification client. Il vous faut une clé de service d&apos;une instance du service Destination (plan lite), téléchargée au format .json depuis le cockpit BTP.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Destination service &amp;key:</source>
        <translation>&amp;Clé de service (service Destination)&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The service key file (.json)</source>
        <translation>Le fichier de la clé de service (.json)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>C&amp;hoose…</source>
        <translation>C&amp;hoisir…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Validity:</source>
        <translation>&amp;Validité&#xa0;:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Validity unit</source>
        <translation>Unité de validité</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>(1 day to 1 year)</source>
        <translation>(de 1 jour à 1 an)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Let SAP renew it &amp;automatically</source>
        <translation>Laisser SAP le renouveler a&amp;utomatiquement</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Before anything is sent:</source>
        <translation>Avant tout envoi&#xa0;:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Have SAP si&amp;gn it</source>
        <translation>&amp;Faire signer par SAP</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Re&amp;place SAP&apos;s certificate of that name</source>
        <translation>&amp;Remplacer le certificat SAP portant ce nom</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>The request is %1.</source>
        <translation>La demande se trouve dans %1.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Reading the request…</source>
        <translation>Lecture de la demande…</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>The sandbox CA is signing…</source>
        <translation>Signature par l&apos;AC du bac à sable…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The sandbox CA answered</source>
        <translation>L&apos;AC du bac à sable a répondu</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Its reply is %1 (leaf and intermediate, PKCS#7). On the next step, Import and check reads it.</source>
        <translation>Sa réponse est %1 (feuille et intermédiaire, PKCS#7). À l&apos;étape suivante, «&#xa0;Importer et vérifier&#xa0;» la lit.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Destination service key</source>
        <translation>Clé de service du service Destination</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Service keys (*.json);;All files (*)</source>
        <translation>Clés de service (*.json);;Tous les fichiers (*)</translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source>day(s)</source>
        <comment>validity unit</comment>
        <translation>
            <numerusform>jour</numerusform>
            <numerusform>jours</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>month(s)</source>
        <comment>validity unit</comment>
        <translation>
            <numerusform>mois</numerusform>
            <numerusform>mois</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>year(s)</source>
        <comment>validity unit</comment>
        <translation>
            <numerusform>an</numerusform>
            <numerusform>ans</numerusform>
        </translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Connecting to SAP…</source>
        <translation>Connexion à SAP…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>SAP is signing the request…</source>
        <translation>SAP signe la demande…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>on</source>
        <translation>activé</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>off</source>
        <translation>désactivé</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Issued to: %1</source>
        <translation>Émis pour&#xa0;: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Issued by: %1</source>
        <translation>Émis par&#xa0;: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Valid until: %1</source>
        <translation>Valide jusqu&apos;au&#xa0;: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Automatic renewal by SAP: %1</source>
        <translation>Renouvellement automatique par SAP&#xa0;: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SHA-256: %1</source>
        <translation>SHA-256&#xa0;: %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>SAP signed the request</source>
        <translation>SAP a signé la demande</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The certificate and its chain are stored in the profile. Next shows them.</source>
        <translation>Le certificat et sa chaîne sont enregistrés dans le profil. Suivant les affiche.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>SAP&apos;s certificate was not imported; the profile is unchanged. Each problem and its fix is listed below.</source>
        <translation>Le certificat de SAP n&apos;a pas été importé&#xa0;; le profil est inchangé. Chaque problème et sa solution sont indiqués ci-dessous.</translation>
    </message>
</context>
<context>
    <name>accesslog</name>
    <message>
        <location filename="../wizard/core/accesslog.py" line="+192"/>
        <source>{text!r} is not a time this command understands. Use an ISO date or time (2021-04-12 or 2021-04-12T10:30, UTC unless it names a zone), a log timestamp (12/Apr/2021:10:30:00 +0000) or a span back from now (30m, 2h, 7d).</source>
        <translation>{text!r} n&apos;est pas une heure que cette commande comprend. Indiquez une date ou une heure ISO (2021-04-12 ou 2021-04-12T10:30, UTC sauf si un fuseau est indiqué), un horodatage de journal (12/Apr/2021:10:30:00 +0000) ou une durée en arrière à partir de maintenant (30m, 2h, 7d).</translation>
    </message>
    <message>
        <location line="+103"/>
        <source>an http_access_*.log file</source>
        <translation>un fichier http_access_*.log</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>not an access log: none of its lines has the shape of an http_access_*.log line</source>
        <translation>pas un journal d&apos;accès&#xa0;: aucune de ses lignes n&apos;a la forme d&apos;une ligne http_access_*.log</translation>
    </message>
</context>
<context>
    <name>aia</name>
    <message>
        <location filename="../wizard/core/aia.py" line="+55"/>
        <source>the AIA address {url} sent more than {size} KB, which is not an issuer certificate</source>
        <translation>l&apos;adresse AIA {url} a envoyé plus de {size} Ko, ce qui n&apos;est pas un certificat d&apos;émetteur</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>the AIA address {url} did not answer within {timeout:g} s</source>
        <translation>l&apos;adresse AIA {url} n&apos;a pas répondu en {timeout:g} s</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the AIA address {url} answered HTTP {status}</source>
        <translation>l&apos;adresse AIA {url} a répondu HTTP {status}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the AIA address {url} could not be fetched ({reason})</source>
        <translation>l&apos;adresse AIA {url} n&apos;a pas pu être récupérée ({reason})</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the AIA address {url} sent no valid answer ({reason})</source>
        <translation>l&apos;adresse AIA {url} n&apos;a envoyé aucune réponse valide ({reason})</translation>
    </message>
</context>
<context>
    <name>analyze_log</name>
    <message>
        <location filename="../wizard/commands/analyze_log.py" line="+74"/>
        <source>{text!r} is not a span; give seconds, minutes or hours like 90s, 5m or 1h.</source>
        <translation>{text!r} n&apos;est pas une durée&#xa0;; indiquez des secondes, des minutes ou des heures, p. ex. 90s, 5m ou 1h.</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>--around last-test needs --profile (whose last test call counts).</source>
        <translation>--around last-test nécessite --profile (le profil dont le dernier appel de test fait foi).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Profile {profile!r} has no test call yet. Run cpi-cert-wizard test-call --profile {name}, or give the time: --around 2021-04-12T10:30.</source>
        <translation>Le profil {profile!r} n&apos;a encore aucun appel de test. Exécutez cpi-cert-wizard test-call --profile {name}, ou indiquez l&apos;heure&#xa0;: --around 2021-04-12T10:30.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Profile {profile!r} has no certificate with a common name yet, so its calls cannot be recognised in a log. Import the certificate first, or filter with --path and --since instead.</source>
        <translation>Le profil {profile!r} n&apos;a pas encore de certificat avec un nom commun&#xa0;: ses appels ne peuvent donc pas être reconnus dans un journal. Importez d&apos;abord le certificat, ou filtrez plutôt avec --path et --since.</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>{file} is not an SAP HTTP access log: none of its {lines} lines has the shape of an http_access_&lt;node&gt;_&lt;date&gt;.log line. Download the log from Monitor → System Log Files (a default trace is an ljs_trace_*.log file).</source>
        <translation>{file} n&apos;est pas un journal d&apos;accès HTTP SAP&#xa0;: aucune de ses {lines} lignes n&apos;a la forme d&apos;une ligne http_access_&lt;node&gt;_&lt;date&gt;.log. Téléchargez le journal depuis Monitor → System Log Files (une trace par défaut est un fichier ljs_trace_*.log).</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>path {path}</source>
        <translation>chemin {path}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>since {time}</source>
        <translation>depuis {time}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>user {users}</source>
        <translation>utilisateur {users}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> or </source>
        <translation> ou </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>all calls</source>
        <translation>tous les appels</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Fix: {fix}</source>
        <translation>Correctif&#xa0;: {fix}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{title} ({file} line {line})</source>
        <translation>{title} ({file} ligne {line})</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Default trace: {files} ({nodes}): {records} records, {unreadable} skipped.</source>
        <translation>Trace par défaut&#xa0;: {files} ({nodes})&#xa0;: {records} enregistrements, {unreadable} ignorée(s).</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+54"/>
        <source>%n file(s)</source>
        <translation>%n fichier(s)</translation>
    </message>
    <message>
        <location line="-53"/>
        <location line="+54"/>
        <source>%n node(s)</source>
        <translation>%n nœud(s)</translation>
    </message>
    <message>
        <location line="-52"/>
        <source>%n unreadable line(s)</source>
        <translation>%n ligne(s) illisible(s)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>  {file}: node {node}, {records} records</source>
        <translation>  {file}&#xa0;: nœud {node}, {records} enregistrements</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>, {count} unreadable</source>
        <translation>, {count} illisible(s)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source> between {start} and {end}</source>
        <translation> entre {start} et {end}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Authentication and authorization errors{window}: {count}</source>
        <translation>Erreurs d&apos;authentification et d&apos;autorisation{window}&#xa0;: {count}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>  ({count} shown with their calls above)</source>
        <translation>  ({count} affichée(s) avec leurs appels ci-dessus)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Refused calls answered by nodes without a trace file here:</source>
        <translation>Appels refusés auxquels ont répondu des nœuds dont le fichier de trace n&apos;est pas ici&#xa0;:</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Read {files} ({nodes}): {calls} calls, {malformed} skipped.</source>
        <translation>Lu {files} ({nodes})&#xa0;: {calls} appels, {malformed} ignorée(s).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%n malformed line(s)</source>
        <translation>%n ligne(s) mal formée(s)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>  {file}: node {node}, {calls} calls</source>
        <translation>  {file}&#xa0;: nœud {node}, {calls} appels</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>, {count} malformed</source>
        <translation>, {count} mal formée(s)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Matching ({filter}): {count}</source>
        <translation>Correspondances ({filter})&#xa0;: {count}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>(the last {count} are listed; --json gives all)</source>
        <translation>(les {count} derniers sont listés&#xa0;; --json les donne tous)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>user {user}</source>
        <translation>utilisateur {user}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>    trace {file} line {line}: </source>
        <translation>    trace {file} ligne {line}&#xa0;: </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Summary:</source>
        <translation>Récapitulatif&#xa0;:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>      Next: {step}</source>
        <translation>      Ensuite&#xa0;: {step}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Also %n call(s) in the same window arrived with no credentials at all (user &apos;-&apos;, 401). They cannot be told apart by user; if your sender made them, its certificate was not forwarded (chain incomplete, root not on SAP&apos;s list, or self-signed).</source>
        <translation>De plus, %n appel(s) dans la même période sont arrivés sans aucune information d&apos;identification (utilisateur «&#xa0;-&#xa0;», 401). Ils ne peuvent pas être distingués par utilisateur&#xa0;; si votre émetteur les a envoyés, son certificat n&apos;a pas été transmis (chaîne incomplète, racine absente de la liste SAP, ou certificat auto-signé).</translation>
    </message>
</context>
<context>
    <name>batch</name>
    <message>
        <location filename="../wizard/commands/batch.py" line="+168"/>
        <source>Send the requests (the folder or requests.zip) to the CA, then run: cpi-cert-wizard batch import REPLY-FOLDER</source>
        <translation>Envoyez les demandes (le dossier ou requests.zip) à l&apos;AC, puis exécutez&#xa0;: cpi-cert-wizard batch import DOSSIER-RÉPONSES</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Next: cpi-cert-wizard batch export, then batch mapping</source>
        <translation>Ensuite&#xa0;: cpi-cert-wizard batch export, puis batch mapping</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Passwords: cpi-cert-wizard secret show --profile NAME p12</source>
        <translation>Mots de passe&#xa0;: cpi-cert-wizard secret show --profile NOM p12</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Per profile: {out}/&lt;profile&gt;/; all entries: {out}/tenant-entries.json</source>
        <translation>Par profil&#xa0;: {out}/&lt;profil&gt;/&#xa0;; toutes les entrées&#xa0;: {out}/tenant-entries.json</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Details of one call: cpi-cert-wizard test-call --profile NAME</source>
        <translation>Détails d&apos;un appel&#xa0;: cpi-cert-wizard test-call --profile NOM</translation>
    </message>
    <message>
        <location filename="../wizard/commands/render.py" line="+128"/>
        <source>(nothing to do)</source>
        <translation>(rien à faire)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{count} failed: see their lines above; the others are done.</source>
        <translation>{count} en échec&#xa0;: voir leurs lignes ci-dessus&#xa0;; les autres sont terminés.</translation>
    </message>
    <message>
        <location filename="../wizard/core/systems_csv.py" line="+79"/>
        <source>a CSV of sender systems</source>
        <translation>un fichier CSV de systèmes émetteurs</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{file}, line {line}: {problem}</source>
        <translation>{file}, ligne {line}&#xa0;: {problem}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>the file is UTF-16 (&apos;Unicode text&apos;). Save it as &apos;CSV UTF-8&apos; (Excel) or as UTF-8 text.</source>
        <translation>le fichier est en UTF-16 (&apos;texte Unicode&apos;). Enregistrez-le en &apos;CSV UTF-8&apos; (Excel) ou en texte UTF-8.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>byte {byte} is not UTF-8 (the file is probably in a Windows code page). Save it as &apos;CSV UTF-8&apos; (Excel) or as UTF-8 text.</source>
        <translation>l&apos;octet {byte} n&apos;est pas de l&apos;UTF-8 (le fichier est probablement dans une page de codes Windows). Enregistrez-le en &apos;CSV UTF-8&apos; (Excel) ou en texte UTF-8.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>contains a NUL byte: this is not a text CSV file.</source>
        <translation>contient un octet NUL&#xa0;: ce n&apos;est pas un fichier CSV texte.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>an empty name</source>
        <translation>un nom vide</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the header names column {column}, which is not one of: {known}. The first line must name the columns (profile and cn are required).</source>
        <translation>l&apos;en-tête nomme la colonne {column}, qui n&apos;est pas l&apos;une de&#xa0;: {known}. La première ligne doit nommer les colonnes (profile et cn sont obligatoires).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>the header names column {column!r} twice.</source>
        <translation>l&apos;en-tête nomme deux fois la colonne {column!r}.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the header has no column {columns}; the first line must name the columns, for example: profile;cn;o;c;env;url (known: {known}).</source>
        <translation>l&apos;en-tête n&apos;a pas de colonne {columns}&#xa0;; la première ligne doit nommer les colonnes, par exemple&#xa0;: profile;cn;o;c;env;url (connues&#xa0;: {known}).</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>env {env!r} is neither neo nor cf.</source>
        <translation>env {env!r} n&apos;est ni neo ni cf.</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>the file is empty. The first line must name the columns: profile;cn;…</source>
        <translation>le fichier est vide. La première ligne doit nommer les colonnes&#xa0;: profile;cn;…</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>{fields} fields but the header names {columns}: a value holds the separator {separator!r}? Put such a value in double quotes.</source>
        <translation>{fields} champs mais l&apos;en-tête en nomme {columns}&#xa0;: une valeur contient-elle le séparateur {separator!r}&#xa0;? Mettez une telle valeur entre guillemets doubles.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>profile {profile} is on line {line} already; list each system once.</source>
        <translation>le profil {profile} figure déjà à la ligne {line}&#xa0;; indiquez chaque système une seule fois.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>unreadable CSV ({problem}); rows after it skipped.</source>
        <translation>CSV illisible ({problem})&#xa0;; les lignes suivantes sont ignorées.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>there is no header line naming the columns (profile;cn;…).</source>
        <translation>aucune ligne d&apos;en-tête ne nomme les colonnes (profile;cn;…).</translation>
    </message>
    <message>
        <location filename="../wizard/core/batch.py" line="+201"/>
        <source>--out {out} is a file; give a folder for the requests.</source>
        <translation>--out {out} est un fichier&#xa0;; indiquez un dossier pour les demandes.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>key passphrases of {count} sender systems (batch csr, {day})</source>
        <translation>phrases secrètes des clés de {count} systèmes émetteurs (batch csr, {day})</translation>
    </message>
    <message>
        <location line="+136"/>
        <source>a certificate file</source>
        <translation>un fichier de certificat</translation>
    </message>
    <message>
        <location line="+96"/>
        <source>none yet</source>
        <translation>aucun pour l&apos;instant</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No profile matches {pattern!r} (profiles: {known}). Patterns use * and ?, for example --profiles &apos;ERP-*&apos;.</source>
        <translation>Aucun profil ne correspond à {pattern!r} (profils&#xa0;: {known}). Les motifs utilisent * et&#xa0;?, par exemple --profiles &apos;ERP-*&apos;.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>There are no profiles in {folder} yet. Start with: cpi-cert-wizard batch csr --from systems.csv</source>
        <translation>Il n&apos;y a pas encore de profil dans {folder}. Commencez par&#xa0;: cpi-cert-wizard batch csr --from systems.csv</translation>
    </message>
    <message>
        <location line="+80"/>
        <location line="+108"/>
        <source>--out {out} is a file; give a folder.</source>
        <translation>--out {out} est un fichier&#xa0;; indiquez un dossier.</translation>
    </message>
    <message>
        <location line="-102"/>
        <source>PKCS#12 passwords of {count} sender systems (batch export, {day})</source>
        <translation>mots de passe PKCS#12 de {count} systèmes émetteurs (batch export, {day})</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>{file} holds this certificate already, written with the same options.</source>
        <translation>{file} contient déjà ce certificat, écrit avec les mêmes options.</translation>
    </message>
    <message>
        <location line="+154"/>
        <source>--concurrency must be between 1 and {most}, not {given}.</source>
        <translation>--concurrency doit être compris entre 1 et {most}, pas {given}.</translation>
    </message>
</context>
<context>
    <name>ca_enroll</name>
    <message>
        <location filename="../wizard/commands/ca_enroll.py" line="+95"/>
        <source>AD CS web enrollment signs in with negotiate, ntlm or basic; a client certificate (--auth certificate) is for EST.</source>
        <translation>L&apos;inscription web AD CS se connecte avec negotiate, ntlm ou basic&#xa0;; un certificat client (--auth certificate) est réservé à EST.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Name the CA: --adcs URL --template NAME (AD CS web enrollment) or --est URL (EST). Profile {name!r} has no CA settings yet.</source>
        <translation>Indiquez l&apos;AC&#xa0;: --adcs URL --template NAME (inscription web AD CS) ou --est URL (EST). Le profil {name!r} n&apos;a pas encore de réglages d&apos;AC.</translation>
    </message>
    <message>
        <location line="+28"/>
        <location filename="../wizard/core/ca_enroll/transport.py" line="+342"/>
        <source>Sign-in with {auth} needs a user name (--user DOMAIN\name); the password is asked for and kept in the keyring.</source>
        <translation>La connexion avec {auth} demande un nom d&apos;utilisateur (--user DOMAINE\nom)&#xa0;; le mot de passe est demandé et conservé dans le trousseau.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Password of {user} at the CA: </source>
        <translation>Mot de passe de {user} auprès de l&apos;AC&#xa0;: </translation>
    </message>
    <message>
        <location line="+20"/>
        <source>--check asks the CA the request was sent to (kept in the profile); leave out --adcs/--est.</source>
        <translation>--check interroge l&apos;AC à laquelle la demande a été envoyée (conservée dans le profil)&#xa0;; omettez --adcs/--est.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>The CA&apos;s request page lists no templates for you; ask the CA administrators for the template name and give it with --template.</source>
        <translation>La page de demande de l&apos;AC ne vous propose aucun modèle&#xa0;; demandez le nom du modèle aux administrateurs de l&apos;AC et indiquez-le avec --template.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Templates the CA offers you:</source>
        <translation>Modèles que l&apos;AC vous propose&#xa0;:</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Still waiting: the request of profile {profile} is {note}.</source>
        <translation>Toujours en attente&#xa0;: la demande du profil {profile} est {note}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The CA keeps the request of profile {profile} pending: an administrator must approve it ({note}).</source>
        <translation>L&apos;AC garde en attente la demande du profil {profile}&#xa0;: un administrateur doit l&apos;approuver ({note}).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The CA asks to wait until {when} UTC.</source>
        <translation>L&apos;AC demande d&apos;attendre jusqu&apos;au {when} UTC.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Collect it later (also after a restart, days later): {command}</source>
        <translation>Récupérez-le plus tard (même après un redémarrage, des jours plus tard)&#xa0;: {command}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The CA at {url} issued the certificate (request {id}).</source>
        <translation>L&apos;AC à {url} a délivré le certificat (demande {id}).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The CA at {url} issued the certificate.</source>
        <translation>L&apos;AC à {url} a délivré le certificat.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Next: {command}</source>
        <translation>Ensuite&#xa0;: {command}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Password: {where}.</source>
        <translation>Mot de passe&#xa0;: {where}.</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>--enroll needs the CA: --adcs URL --template NAME (AD CS web enrollment) or --est URL (EST).</source>
        <translation>--enroll a besoin de l&apos;AC&#xa0;: --adcs URL --template NAME (inscription web AD CS) ou --est URL (EST).</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Requests waiting at the CA: run the same command again later (or cpi-cert-wizard ca-enroll --profile NAME --check); then cpi-cert-wizard batch export.</source>
        <translation>Demandes en attente auprès de l&apos;AC&#xa0;: relancez plus tard la même commande (ou cpi-cert-wizard ca-enroll --profile NAME --check)&#xa0;; puis cpi-cert-wizard batch export.</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/adcs.py" line="+38"/>
        <source>The CA does not offer this certificate template: check the template&apos;s name (its short name, without spaces) or ask the CA administrators to publish it on this CA.</source>
        <translation>L&apos;AC ne propose pas ce modèle de certificat&#xa0;: vérifiez le nom du modèle (son nom court, sans espaces) ou demandez aux administrateurs de l&apos;AC de le publier sur cette AC.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The request named no certificate template: give one with --template.</source>
        <translation>La demande ne nommait aucun modèle de certificat&#xa0;: indiquez-en un avec --template.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Your account may not enroll for this template: ask the CA administrators for the Enroll permission on it, or use the template they name for SAP client certificates.</source>
        <translation>Votre compte n&apos;a pas le droit de s&apos;inscrire pour ce modèle&#xa0;: demandez aux administrateurs de l&apos;AC l&apos;autorisation « Inscrire » sur ce modèle, ou utilisez le modèle qu&apos;ils indiquent pour les certificats client SAP.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The template builds the subject from Active Directory and needs a DNS name there: use a template where the subject is supplied in the request.</source>
        <translation>Le modèle construit le sujet à partir d&apos;Active Directory et y exige un nom DNS&#xa0;: utilisez un modèle où le sujet est fourni dans la demande.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The template wants an e-mail address from Active Directory: use a template where the subject is supplied in the request.</source>
        <translation>Le modèle exige une adresse e-mail issue d&apos;Active Directory&#xa0;: utilisez un modèle où le sujet est fourni dans la demande.</translation>
    </message>
    <message>
        <location line="+116"/>
        <source>{host} refused the sign-in for {what} (HTTP 401). Check the user name and password (or your Kerberos ticket) and that this account may use the CA&apos;s web enrollment; the profile is unchanged.</source>
        <translation>{host} a refusé la connexion pour {what} (HTTP 401). Vérifiez le nom d&apos;utilisateur et le mot de passe (ou votre ticket Kerberos) et que ce compte peut utiliser l&apos;inscription web de l&apos;AC&#xa0;; le profil est inchangé.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{host} refused {what} (HTTP 403): this account may not use the CA&apos;s web enrollment. Ask the CA administrators; the profile is unchanged.</source>
        <translation>{host} a refusé {what} (HTTP 403)&#xa0;: ce compte ne peut pas utiliser l&apos;inscription web de l&apos;AC. Adressez-vous aux administrateurs de l&apos;AC&#xa0;; le profil est inchangé.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{host} answered {what} with a redirect to {location} (HTTP {status}), usually a sign-in portal in front of the CA. Give the CA&apos;s own web enrollment address (…/certsrv), reachable without a portal.</source>
        <translation>{host} a répondu à {what} par une redirection vers {location} (HTTP {status}), généralement un portail de connexion devant l&apos;AC. Indiquez l&apos;adresse d&apos;inscription web propre à l&apos;AC (…/certsrv), accessible sans portail.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>{url} does not exist (HTTP 404): this is not an AD CS web enrollment address. It ends in /certsrv, for example https://ca.example.com/certsrv.</source>
        <translation>{url} n&apos;existe pas (HTTP 404)&#xa0;: ce n&apos;est pas une adresse d&apos;inscription web AD CS. Elle se termine par /certsrv, par exemple https://ca.example.com/certsrv.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{host} failed on {what} (HTTP {status}).</source>
        <translation>{host} a échoué sur {what} (HTTP {status}).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>no title</source>
        <translation>sans titre</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{url} answered {what} with a web page (&apos;{title}&apos;) instead of a certificate, usually a sign-in page of a proxy or portal in front of the CA. Check the CA&apos;s address and the sign-in method; the profile is unchanged.</source>
        <translation>{url} a répondu à {what} par une page web (&apos;{title}&apos;) au lieu d&apos;un certificat, généralement la page de connexion d&apos;un proxy ou d&apos;un portail devant l&apos;AC. Vérifiez l&apos;adresse de l&apos;AC et la méthode de connexion&#xa0;; le profil est inchangé.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>the certificate request</source>
        <translation>la demande de certificat</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>{url} answered {what} with a page the wizard does not recognise as AD CS web enrollment (&apos;{title}&apos;). Check that the address is the CA&apos;s /certsrv; the profile is unchanged.</source>
        <translation>{url} a répondu à {what} par une page que l&apos;assistant ne reconnaît pas comme l&apos;inscription web AD CS (&apos;{title}&apos;). Vérifiez que l&apos;adresse est le /certsrv de l&apos;AC&#xa0;; le profil est inchangé.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>request {id}</source>
        <translation>la demande {id}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>the certificate of request {id}</source>
        <translation>le certificat de la demande {id}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The CA has not issued request {id}: {reason}.</source>
        <translation>L&apos;AC n&apos;a pas délivré la demande {id}&#xa0;: {reason}.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the CA&apos;s answer to request {id} ({url})</source>
        <translation>la réponse de l&apos;AC à la demande {id} ({url})</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the list of certificate templates</source>
        <translation>la liste des modèles de certificat</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/enroll.py" line="+121"/>
        <source>AD CS needs the certificate template: --template NAME (its short name, as the CA administrators publish it for client certificates; &apos;ca-enroll --adcs URL --list-templates&apos; shows the ones the CA offers you).</source>
        <translation>AD CS a besoin du modèle de certificat&#xa0;: --template NAME (son nom court, tel que les administrateurs de l&apos;AC le publient pour les certificats client&#xa0;; &apos;ca-enroll --adcs URL --list-templates&apos; affiche ceux que l&apos;AC vous propose).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>EST signs in with a user name and password (--auth basic --user NAME) or a client certificate (--client-profile P); not with {auth}.</source>
        <translation>EST se connecte avec un nom d&apos;utilisateur et un mot de passe (--auth basic --user NAME) ou un certificat client (--client-profile P)&#xa0;; pas avec {auth}.</translation>
    </message>
    <message>
        <location line="+10"/>
        <location filename="../wizard/core/ca_enroll/transport.py" line="-214"/>
        <source>{url!r} is not an https URL. The CA&apos;s address starts with https:// (for AD CS for example https://ca.example.com/certsrv); credentials and requests only travel over TLS.</source>
        <translation>{url!r} n&apos;est pas une URL https. L&apos;adresse de l&apos;AC commence par https:// (pour AD CS par exemple https://ca.example.com/certsrv)&#xa0;; identifiants et demandes ne passent que par TLS.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>The EST server&apos;s CA certificates (checked before sending):</source>
        <translation>Les certificats d&apos;AC du serveur EST (vérifiés avant l&apos;envoi)&#xa0;:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>  {subject}, valid until {date}, SHA-256 {sha256}</source>
        <translation>  {subject}, valable jusqu&apos;au {date}, SHA-256 {sha256}</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Profile {name!r} has no certificate request to send to the CA. Create one first: cpi-cert-wizard csr --profile {name} --cn …</source>
        <translation>Le profil {name!r} n&apos;a pas de demande de certificat à envoyer à l&apos;AC. Créez-en une d&apos;abord&#xa0;: cpi-cert-wizard csr --profile {name} --cn …</translation>
    </message>
    <message>
        <location line="+24"/>
        <location line="+9"/>
        <source>the keyring ({keyring})</source>
        <translation>le trousseau ({keyring})</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>not stored (no keyring): you will be asked again</source>
        <translation>non conservé (pas de trousseau)&#xa0;: il vous sera redemandé</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>not stored ({reason})</source>
        <translation>non conservé ({reason})</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Profile {name!r} has no certificate to sign in to the EST server with. Enroll first (ca-enroll --est URL with --auth basic), or import its certificate.</source>
        <translation>Le profil {name!r} n&apos;a pas de certificat pour se connecter au serveur EST. Inscrivez-le d&apos;abord (ca-enroll --est URL avec --auth basic) ou importez son certificat.</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>The certificate the CA at {url} issued (request {id})</source>
        <translation>Le certificat délivré par l&apos;AC à {url} (demande {id})</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The certificate the CA at {url} issued</source>
        <translation>Le certificat délivré par l&apos;AC à {url}</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Nothing was imported; the profile is unchanged. Once the cause is fixed, fetch it again with: cpi-cert-wizard ca-enroll --profile {name} --check</source>
        <translation>Rien n&apos;a été importé&#xa0;; le profil est inchangé. Une fois la cause corrigée, récupérez-le à nouveau avec&#xa0;: cpi-cert-wizard ca-enroll --profile {name} --check</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Nothing was imported; the profile is unchanged. The CA keeps the certificate as request {id}: once the cause is fixed, download {url} and import it with cpi-cert-wizard import-reply --profile {name} FILE</source>
        <translation>Rien n&apos;a été importé&#xa0;; le profil est inchangé. L&apos;AC conserve le certificat sous la demande {id}&#xa0;: une fois la cause corrigée, téléchargez {url} et importez-le avec cpi-cert-wizard import-reply --profile {name} FICHIER</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Nothing was imported; the profile is unchanged. Once the cause is fixed, send the request again: cpi-cert-wizard ca-enroll --profile {name}</source>
        <translation>Rien n&apos;a été importé&#xa0;; le profil est inchangé. Une fois la cause corrigée, renvoyez la demande&#xa0;: cpi-cert-wizard ca-enroll --profile {name}</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>The key of profile {name!r} was replaced while the CA was being asked; the CA&apos;s answer belongs to the old request. Send the new one.</source>
        <translation>La clé du profil {name!r} a été remplacée pendant que l&apos;AC était interrogée&#xa0;; la réponse de l&apos;AC correspond à l&apos;ancienne demande. Envoyez la nouvelle.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>it gave no reason</source>
        <translation>elle n&apos;a donné aucune raison</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The CA at {url} denied request {id}: {reason}</source>
        <translation>L&apos;AC à {url} a refusé la demande {id}&#xa0;: {reason}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The CA at {url} denied the request: {reason}</source>
        <translation>L&apos;AC à {url} a refusé la demande&#xa0;: {reason}</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>This request of profile {name!r} is already {note}. Collect it with: cpi-cert-wizard ca-enroll --profile {name} --check</source>
        <translation>Cette demande du profil {name!r} est déjà {note}. Récupérez-la avec&#xa0;: cpi-cert-wizard ca-enroll --profile {name} --check</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Sending the CSR to {url} (template {template}) …</source>
        <translation>Envoi du CSR à {url} (modèle {template}) …</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The CA at {url} keeps the request pending but its page shows no request id, so it cannot be collected later. Ask the CA administrators for it.</source>
        <translation>L&apos;AC à {url} garde la demande en attente mais sa page n&apos;affiche aucun identifiant de demande&#xa0;: elle ne pourra pas être récupérée plus tard. Demandez-le aux administrateurs de l&apos;AC.</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Fetching the certificate of request {id} …</source>
        <translation>Récupération du certificat de la demande {id} …</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+47"/>
        <source>Checking the chain …</source>
        <translation>Vérification de la chaîne …</translation>
    </message>
    <message>
        <location line="-24"/>
        <source>Reading the CA certificates from {url} …</source>
        <translation>Lecture des certificats d&apos;AC depuis {url} …</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Sending the CSR to {url} ({operation}) …</source>
        <translation>Envoi du CSR à {url} ({operation}) …</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Profile {name!r} has no request waiting at a CA. Send its CSR with: cpi-cert-wizard ca-enroll --profile {name} --adcs URL --template NAME (or --est URL)</source>
        <translation>Le profil {name!r} n&apos;a aucune demande en attente auprès d&apos;une AC. Envoyez son CSR avec&#xa0;: cpi-cert-wizard ca-enroll --profile {name} --adcs URL --template NAME (ou --est URL)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The request waiting at the CA belongs to an earlier key of profile {name!r}; the profile now has a new CSR. Send the new one (without --check).</source>
        <translation>La demande en attente auprès de l&apos;AC correspond à une ancienne clé du profil {name!r}&#xa0;; le profil a maintenant un nouveau CSR. Envoyez le nouveau (sans --check).</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Asking {url} about request {id} …</source>
        <translation>Interrogation de {url} sur la demande {id} …</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/est.py" line="+61"/>
        <source>{url} answered {what} with {type}, not {expected} (RFC 7030). Check that the address is the EST service (it ends in /.well-known/est).</source>
        <translation>{url} a répondu à {what} avec {type}, et non {expected} (RFC 7030). Vérifiez que l&apos;adresse est celle du service EST (elle se termine par /.well-known/est).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>no content type</source>
        <translation>aucun type de contenu</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{url} answered {what} with {type} that is not base64 of a PKCS#7 with certificates.</source>
        <translation>{url} a répondu à {what} avec {type} qui n&apos;est pas le base64 d&apos;un PKCS#7 contenant des certificats.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The server said: {text}</source>
        <translation>Le serveur a répondu&#xa0;: {text}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The EST server {host} refused the sign-in for {what} (HTTP 401).{said} Check the user name and password, or the client certificate; the profile is unchanged.</source>
        <translation>Le serveur EST {host} a refusé la connexion pour {what} (HTTP 401).{said} Vérifiez le nom d&apos;utilisateur et le mot de passe, ou le certificat client&#xa0;; le profil est inchangé.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{url} does not exist (HTTP 404): check the EST address and the CA label (--est-label).</source>
        <translation>{url} n&apos;existe pas (HTTP 404)&#xa0;: vérifiez l&apos;adresse EST et le libellé de l&apos;AC (--est-label).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{host} answered {what} with a redirect to {location} (HTTP {status}). Give the EST service&apos;s own address.</source>
        <translation>{host} a répondu à {what} par une redirection vers {location} (HTTP {status}). Indiquez l&apos;adresse propre du service EST.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The EST server {host} refused {what} (HTTP {status}).{said}</source>
        <translation>Le serveur EST {host} a refusé {what} (HTTP {status}).{said}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the CA certificates (cacerts)</source>
        <translation>les certificats d&apos;AC (cacerts)</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>{url} sent no CA certificates.</source>
        <translation>{url} n&apos;a envoyé aucun certificat d&apos;AC.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The CA certificate &apos;{subject}&apos; from {url} is not valid now (valid {start} to {end}): certificates it signs would be refused. Nothing was sent; tell the CA administrators.</source>
        <translation>Le certificat d&apos;AC &apos;{subject}&apos; de {url} n&apos;est pas valable actuellement (valable du {start} au {end})&#xa0;: les certificats qu&apos;il signe seraient refusés. Rien n&apos;a été envoyé&#xa0;; prévenez les administrateurs de l&apos;AC.</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>the certificate request ({operation})</source>
        <translation>la demande de certificat ({operation})</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/pending.py" line="+21"/>
        <source>pending at the CA since {when} (request {id})</source>
        <translation>en attente auprès de l&apos;AC depuis le {when} (demande {id})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>pending at the CA since {when}</source>
        <translation>en attente auprès de l&apos;AC depuis le {when}</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/transport.py" line="+24"/>
        <source>The client certificate {file} cannot be used for TLS ({reason}).</source>
        <translation>Le certificat client {file} ne peut pas servir pour TLS ({reason}).</translation>
    </message>
    <message>
        <location line="+68"/>
        <source>{host} closed the connection without an answer.</source>
        <translation>{host} a fermé la connexion sans répondre.</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>{host} does not offer {scheme} sign-in (it offers: {offers}). Choose one it offers with --auth {choice}.</source>
        <translation>{host} ne propose pas la connexion {scheme} (il propose&#xa0;: {offers}). Choisissez-en une proposée avec --auth {choice}.</translation>
    </message>
    <message>
        <location line="+101"/>
        <source>This installation has no Negotiate/NTLM support (the Python package pyspnego is missing). Use --auth basic, or install pyspnego.</source>
        <translation>Cette installation ne prend pas en charge Negotiate/NTLM (le paquet Python pyspnego manque). Utilisez --auth basic ou installez pyspnego.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>This installation cannot use Kerberos (the Python package gssapi is missing; install cpi-cert-wizard with its &apos;kerberos&apos; extra, which needs the system&apos;s Kerberos library). Sign in with --auth ntlm or --auth basic and --user instead.</source>
        <translation>Cette installation ne peut pas utiliser Kerberos (le paquet Python gssapi manque&#xa0;; installez cpi-cert-wizard avec son extra &apos;kerberos&apos;, qui nécessite la bibliothèque Kerberos du système). Connectez-vous plutôt avec --auth ntlm ou --auth basic et --user.</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Kerberos sign-in to {host} failed: {reason}. On Windows sign in to the domain; on Linux get a ticket first (kinit name@REALM) and check that the CA&apos;s name {host} is the one its HTTP service principal is registered for. Or sign in with a user name and password: --auth ntlm or --auth basic with --user.</source>
        <translation>La connexion Kerberos à {host} a échoué&#xa0;: {reason}. Sous Windows, connectez-vous au domaine&#xa0;; sous Linux, obtenez d&apos;abord un ticket (kinit nom@REALM) et vérifiez que le nom {host} de l&apos;AC est celui pour lequel son principal de service HTTP est enregistré. Ou connectez-vous avec un nom d&apos;utilisateur et un mot de passe&#xa0;: --auth ntlm ou --auth basic avec --user.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>NTLM sign-in to {host} failed: {reason}.</source>
        <translation>La connexion NTLM à {host} a échoué&#xa0;: {reason}.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>{host} ended the TLS handshake ({reason}): it wants a client certificate it trusts. Sign in with a certificate the CA issued (renewal, or --client-profile).</source>
        <translation>{host} a interrompu la négociation TLS ({reason})&#xa0;: il attend un certificat client auquel il fait confiance. Connectez-vous avec un certificat délivré par l&apos;AC (renouvellement, ou --client-profile).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>TLS with {host} failed: {reason}.</source>
        <translation>TLS avec {host} a échoué&#xa0;: {reason}.</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/many.py" line="+55"/>
        <source>has a certificate already; nothing sent.</source>
        <translation>a déjà un certificat&#xa0;; rien n&apos;a été envoyé.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>sent; {note}.</source>
        <translation>envoyé&#xa0;; {note}.</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>still {note}.</source>
        <translation>toujours {note}.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>issued by the CA and imported.</source>
        <translation>délivré par l&apos;AC et importé.</translation>
    </message>
</context>
<context>
    <name>cli</name>
    <message>
        <location filename="../wizard/commands/common.py" line="+71"/>
        <source>{prompt}: no answer (end of input). Nothing was changed.</source>
        <translation>{prompt}&#xa0;: aucune réponse (fin de l&apos;entrée). Rien n&apos;a été modifié.</translation>
    </message>
    <message>
        <location filename="../wizard/cli.py" line="+305"/>
        <source>The argument {argument} holds bytes that are not text in this system&apos;s encoding. Type it again, or rename the file it names.</source>
        <translation>L&apos;argument {argument} contient des octets qui ne sont pas du texte dans l&apos;encodage de ce système. Saisissez-le à nouveau, ou renommez le fichier qu&apos;il désigne.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>choose a command</source>
        <translation>choisissez une commande</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>error: {message}</source>
        <translation>erreur&#xa0;: {message}</translation>
    </message>
</context>
<context>
    <name>client_identity</name>
    <message>
        <location filename="../wizard/core/client_identity.py" line="+77"/>
        <source>the roots in {file}</source>
        <translation>les racines de {file}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the acceptable-CA names fetch-root recorded from the server</source>
        <translation>les noms d&apos;AC acceptées que le serveur a indiqués lors de la récupération de la racine</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the acceptable-CA names the server sent in this call</source>
        <translation>les noms d&apos;AC acceptées que le serveur a envoyés lors de cet appel</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the custom domain&apos;s trusted CAs</source>
        <translation>les AC de confiance du domaine personnalisé</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SAP&apos;s list of client roots</source>
        <translation>la liste SAP des racines de certificats client</translation>
    </message>
</context>
<context>
    <name>csr</name>
    <message>
        <location filename="../wizard/commands/csr.py" line="+44"/>
        <source>Give either --subject or --cn (with --org …), not both.</source>
        <translation>Indiquez soit --subject, soit --cn (avec --org …), pas les deux.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Say what the certificate is for: --cn NAME (or --subject DN).</source>
        <translation>Indiquez à quoi sert le certificat&#xa0;: --cn NOM (ou --subject DN).</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Request: {file}</source>
        <translation>Demande&#xa0;: {file}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Key:     {file} (encrypted; passphrase kept in {where})</source>
        <translation>Clé&#xa0;:     {file} (chiffrée&#xa0;; phrase secrète conservée dans {where})</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The previous key and certificate were copied to {folder}.</source>
        <translation>La clé et le certificat précédents ont été copiés dans {folder}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Send the request to your CA and ask for a client-authentication certificate (Extended
Key Usage clientAuth) with the whole chain, from a CA on SAP&apos;s trust list. Then run:</source>
        <translation>Envoyez la demande à votre AC et demandez un certificat d&apos;authentification client (Extended
Key Usage clientAuth) avec toute la chaîne, émis par une AC de la liste de confiance SAP. Puis exécutez&#xa0;:</translation>
    </message>
    <message>
        <location filename="../wizard/core/csr.py" line="+21"/>
        <source>Common name (CN)</source>
        <translation>Nom commun (CN)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Organizational unit (OU)</source>
        <translation>Unité d&apos;organisation (OU)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Organization (O)</source>
        <translation>Organisation (O)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Locality (L)</source>
        <translation>Localité (L)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>State or province (ST)</source>
        <translation>État ou province (ST)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Country (C)</source>
        <translation>Pays (C)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-mail address</source>
        <translation>Adresse e-mail</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{value!r} is not an e-mail address.</source>
        <translation>{value!r} n&apos;est pas une adresse e-mail.</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>The common name (CN) is required.</source>
        <translation>Le nom commun (CN) est obligatoire.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{label} has leading or trailing spaces; SAP compares the DN exactly, so remove them.</source>
        <translation>{label} comporte des espaces au début ou à la fin&#xa0;; SAP compare le DN à l&apos;identique, supprimez-les donc.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Country must be a two-letter ISO 3166 code in capitals, e.g. DE.</source>
        <translation>Le pays doit être un code ISO 3166 à deux lettres majuscules, p. ex. DE.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{label} is {length} characters; at most {limit}.</source>
        <translation>{label} compte {length} caractères&#xa0;; {limit} au maximum.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{label} contains control characters.</source>
        <translation>{label} contient des caractères de contrôle.</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>{label} appears more than once.</source>
        <translation>{label} apparaît plusieurs fois.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The subject attribute {attribute!r} is not supported here; use CN, O, OU, L, ST, C and emailAddress.</source>
        <translation>L&apos;attribut de sujet {attribute!r} n&apos;est pas pris en charge ici&#xa0;; utilisez CN, O, OU, L, ST, C et emailAddress.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>{text!r} is not a distinguished name ({reason}). Write it like &quot;CN=erp-prd,O=ACME AG,C=DE&quot;.</source>
        <translation>{text!r} n&apos;est pas un nom distinctif ({reason}). Écrivez-le sous la forme «&#xa0;CN=erp-prd,O=ACME AG,C=DE&#xa0;».</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>{text!r} is not a SAN; write DNS:host, email:a@b, URI:… or IP:…</source>
        <translation>{text!r} n&apos;est pas un SAN&#xa0;; écrivez DNS:hôte, email:a@b, URI:… ou IP:…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{value!r} is not a DNS name.</source>
        <translation>{value!r} n&apos;est pas un nom DNS.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{value!r} is not a URI.</source>
        <translation>{value!r} n&apos;est pas un URI.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{value!r} is not an IP address.</source>
        <translation>{value!r} n&apos;est pas une adresse IP.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{kind!r} is not a SAN type here; use DNS, email, URI or IP ({text!r}).</source>
        <translation>{kind!r} n&apos;est pas un type de SAN accepté ici&#xa0;; utilisez DNS, email, URI ou IP ({text!r}).</translation>
    </message>
</context>
<context>
    <name>enrollment</name>
    <message>
        <location filename="../wizard/core/enrollment.py" line="+125"/>
        <source>Profile {name!r} already has a key ({key}); its CSR is {csr}. To replace it (renewal, or a lost CSR), run again with --new-key; the current certificate keeps working until you deploy the new one.</source>
        <translation>Le profil {name!r} a déjà une clé ({key})&#xa0;; sa CSR est {csr}. Pour la remplacer (renouvellement, ou CSR perdue), relancez avec --new-key&#xa0;; le certificat actuel continue de fonctionner jusqu&apos;à ce que vous déployiez le nouveau.</translation>
    </message>
    <message>
        <location line="+81"/>
        <source>Profile {name!r} has no key yet. Generate one: cpi-cert-wizard csr --profile {name} --cn …</source>
        <translation>Le profil {name!r} n&apos;a pas encore de clé. Générez-en une&#xa0;: cpi-cert-wizard csr --profile {name} --cn …</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Profile {name!r} has no certificate yet. Import the CA&apos;s reply first: cpi-cert-wizard import-reply --profile {name} FILE</source>
        <translation>Le profil {name!r} n&apos;a pas encore de certificat. Importez d&apos;abord la réponse de l&apos;AC&#xa0;: cpi-cert-wizard import-reply --profile {name} FICHIER</translation>
    </message>
    <message>
        <location line="+142"/>
        <source>Profile {name!r} has no certificate request, so no CA reply can belong to it. Create one first: cpi-cert-wizard csr --profile {name} --cn …</source>
        <translation>Le profil {name!r} n&apos;a pas de demande de certificat&#xa0;: aucune réponse d&apos;AC ne peut donc lui correspondre. Créez-en d&apos;abord une&#xa0;: cpi-cert-wizard csr --profile {name} --cn …</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The key of profile {name!r} was replaced while the reply was being checked; this reply belongs to the old key. Import the reply for the new request.</source>
        <translation>La clé du profil {name!r} a été remplacée pendant le contrôle de la réponse&#xa0;; cette réponse correspond à l&apos;ancienne clé. Importez la réponse à la nouvelle demande.</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>a PKCS#12 file</source>
        <translation>un fichier PKCS#12</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{file} holds a key but no certificate.</source>
        <translation>{file} contient une clé, mais aucun certificat.</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Profile {name!r} has a certificate request waiting at the CA ({csr}); importing this keystore would replace its key, and the CA&apos;s answer would then fit no key. To replace it anyway, run again with --new-key (the current key is kept in the profile&apos;s archive); or import into another --profile.</source>
        <translation>Le profil {name!r} a une demande de certificat en attente auprès de l&apos;autorité de certification ({csr})&#xa0;; importer ce magasin de clés remplacerait sa clé, et la réponse de l&apos;autorité ne correspondrait alors à aucune clé. Pour la remplacer quand même, relancez avec --new-key (la clé actuelle est conservée dans l&apos;archive du profil)&#xa0;; ou importez dans un autre --profile.</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>a service key (JSON)</source>
        <translation>une clé de service (JSON)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{file} is not JSON ({reason}). Copy the service key as shown in the BTP cockpit (Instances and Subscriptions → the instance → Service Keys → View).</source>
        <translation>{file} n&apos;est pas du JSON ({reason}). Copiez la clé de service telle qu&apos;affichée dans le cockpit BTP (Instances et abonnements → l&apos;instance → Clés de service → Afficher).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{file} has no &apos;certificate&apos; and &apos;key&apos; fields: it is not a service key of key-type &apos;certificate&apos; (a client-secret key has &apos;clientsecret&apos; instead). Create the key with {parameters} or use the External Certificate path.</source>
        <translation>{file} n&apos;a pas de champs &apos;certificate&apos; et &apos;key&apos;&#xa0;: ce n&apos;est pas une clé de service de key-type &apos;certificate&apos; (une clé à secret client a &apos;clientsecret&apos; à la place). Créez la clé avec {parameters} ou utilisez la voie du certificat externe.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The &apos;key&apos; field of {file} is not a readable PEM private key.</source>
        <translation>Le champ «&#xa0;key&#xa0;» de {file} n&apos;est pas une clé privée PEM lisible.</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>{file} exists already and was kept. Confirm to replace it (--force on the command line), or choose another --out.</source>
        <translation>{file} existe déjà et a été conservé. Confirmez pour le remplacer (--force en ligne de commande), ou choisissez un autre --out.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>The PKCS#12 password needs {count} characters or more, on one line.</source>
        <translation>Le mot de passe PKCS#12 doit compter {count} caractères ou plus, sur une seule ligne.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>--out {file}: the keystore is a .p12 (or .pfx) file, and {suffix} is the name of one of the public files written next to it. Give --out NAME.p12 or a folder.</source>
        <translation>--out {file}&#xa0;: le magasin de clés est un fichier .p12 (ou .pfx), et {suffix} est l&apos;extension d&apos;un des fichiers publics écrits à côté. Indiquez --out NOM.p12 ou un dossier.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>--out {file}: give the keystore a name ending in .p12 or .pfx.</source>
        <translation>--out {file}&#xa0;: donnez au magasin de clés un nom se terminant par .p12 ou .pfx.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>The key of profile {name!r} does not belong to its stored certificate (the key was replaced after the import). Import the certificate for the new key, or export the old .p12 from the profile&apos;s archive folder.</source>
        <translation>La clé du profil {name!r} ne correspond pas à son certificat enregistré (la clé a été remplacée après l&apos;import). Importez le certificat de la nouvelle clé, ou exportez l&apos;ancien .p12 depuis le dossier d&apos;archive du profil.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>not stored: no keyring, the password you chose</source>
        <translation>non conservé&#xa0;: pas de trousseau, le mot de passe que vous avez choisi</translation>
    </message>
</context>
<context>
    <name>expiry</name>
    <message>
        <location filename="../wizard/commands/expiry.py" line="+46"/>
        <source>--within needs a number of days, 0 or more.</source>
        <translation>--within nécessite un nombre de jours, 0 ou plus.</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>No profiles yet. Start with: cpi-cert-wizard csr --profile NAME --cn COMMON-NAME</source>
        <translation>Aucun profil pour l&apos;instant. Commencez par&#xa0;: cpi-cert-wizard csr --profile NOM --cn NOM-COMMUN</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>No certificate expires within {days} days.</source>
        <translation>Aucun certificat n&apos;expire dans les {days} jours.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{profiles} profiles; {due} to renew now.</source>
        <translation>{profiles} profils&#xa0;; {due} à renouveler maintenant.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Calendar reminders: {file} (import it into your calendar).</source>
        <translation>Rappels de calendrier&#xa0;: {file} (importez-le dans votre calendrier).</translation>
    </message>
    <message>
        <location filename="../wizard/core/expiry.py" line="+39"/>
        <source>No certificate yet (state {state}); nothing expires.</source>
        <translation>Pas encore de certificat (état {state})&#xa0;; rien n&apos;expire.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Valid for {days} more days; plan the renewal from {renew_by}.</source>
        <translation>Valide encore {days} jours&#xa0;; prévoyez le renouvellement à partir du {renew_by}.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Renew now: only {days} days left (expires {date}). {how}</source>
        <translation>Renouvelez maintenant&#xa0;: il ne reste que {days} jours (expire le {date}). {how}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Renew now: {used}% of its {lifetime}-day lifetime is used (expires {date}, {days} days left). {how}</source>
        <translation>Renouvelez maintenant&#xa0;: {used} % de sa durée de vie de {lifetime} jours est écoulé (expire le {date}, {days} jours restants). {how}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Expired on {date} ({days} days ago): the tenant refuses it. {how}</source>
        <translation>Expiré le {date} (il y a {days} jours)&#xa0;: le tenant le refuse. {how}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The CA certificate {subject} in its chain ends on {date}, before the certificate itself: from then on the chain no longer validates. </source>
        <translation>Le certificat d&apos;AC {subject} de sa chaîne expire le {date}, avant le certificat lui-même&#xa0;: à partir de là, la chaîne n&apos;est plus valide. </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{message}</source>
        <translation>{message}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Make a new key and request (cpi-cert-wizard csr --profile {profile} --new-key …), import the CA&apos;s reply, export the new .p12; then {tenant}</source>
        <translation>Créez une nouvelle clé et une nouvelle demande (cpi-cert-wizard csr --profile {profile} --new-key …), importez la réponse de l&apos;AC, exportez le nouveau .p12&#xa0;; puis {tenant}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>add a new Certificate-to-User Mapping on Neo (it matches the whole certificate).</source>
        <translation>ajoutez un nouveau mappage certificat-utilisateur sur Neo (il compare le certificat entier).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>create a new service key on Cloud Foundry (pinning accepts only the exact one).</source>
        <translation>créez une nouvelle clé de service sur Cloud Foundry (l&apos;épinglage n&apos;accepte que ce certificat exact).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>update the tenant entry (a new Neo mapping or Cloud Foundry service key).</source>
        <translation>mettez à jour l&apos;entrée du tenant (un nouveau mappage Neo ou une nouvelle clé de service Cloud Foundry).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Renew the client certificate of {profile}</source>
        <translation>Renouveler le certificat client de {profile}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The client certificate of sender system {profile} ({subject}) expires on {date}. {how}
Certificate SHA-256: {sha256}</source>
        <translation>Le certificat client du système émetteur {profile} ({subject}) expire le {date}. {how}
Certificat SHA-256&#xa0;: {sha256}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> (This reminder was made less than {days_before} days before the expiry.)</source>
        <translation> (Ce rappel a été créé moins de {days_before} jours avant l&apos;expiration.)</translation>
    </message>
</context>
<context>
    <name>export_p12</name>
    <message>
        <location filename="../wizard/commands/export_p12.py" line="+78"/>
        <source>Password: {password}</source>
        <translation>Mot de passe&#xa0;: {password}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Password: not shown</source>
        <translation>Mot de passe&#xa0;: non affiché</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Password: the one you typed</source>
        <translation>Mot de passe&#xa0;: celui que vous avez saisi</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  kept in {where}; show it again with &apos;cpi-cert-wizard secret show --profile {profile} p12&apos;</source>
        <translation>  conservé dans {where}&#xa0;; réaffichez-le avec&#xa0;: cpi-cert-wizard secret show --profile {profile} p12</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Which file goes where:</source>
        <translation>Quel fichier va où&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the sender system&apos;s keystore (STRUST: sapgenpse import_p12; Java: keytool -importkeystore; Postman: PFX)</source>
        <translation>le magasin de clés du système émetteur (STRUST&#xa0;: sapgenpse import_p12&#xa0;; Java&#xa0;: keytool -importkeystore&#xa0;; Postman&#xa0;: PFX)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>the tenant (Neo Certificate-to-User Mapping)</source>
        <translation>le tenant (mappage certificat-utilisateur Neo)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the tenant (Cloud Foundry External Certificate key)</source>
        <translation>le tenant (clé External Certificate Cloud Foundry)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>curl --cert / Postman: leaf + intermediates</source>
        <translation>curl --cert / Postman&#xa0;: feuille + intermédiaires</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Next: {command}</source>
        <translation>Ensuite&#xa0;: {command}</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>a password file</source>
        <translation>un fichier de mot de passe</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>New PKCS#12 password: </source>
        <translation>Nouveau mot de passe PKCS#12&#xa0;: </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The same password again: </source>
        <translation>Le même mot de passe encore une fois&#xa0;: </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The two entries differ; nothing was exported. Try again.</source>
        <translation>Les deux saisies diffèrent&#xa0;; rien n&apos;a été exporté. Réessayez.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>{files} exist(s) already. Replace? [y/N] </source>
        <translation>{files} existe(nt) déjà. Remplacer&#xa0;? [o/N] </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>y</source>
        <translation>o</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Step by step for your sender: --sender {choices}</source>
        <translation>Pas à pas pour votre système émetteur&#xa0;: --sender {choices}</translation>
    </message>
</context>
<context>
    <name>fetch_root</name>
    <message>
        <location filename="../wizard/core/fetch_root.py" line="+156"/>
        <source>Server chain: valid for {name}.</source>
        <translation>Chaîne du serveur&#xa0;: valide pour {name}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Server chain: NOT valid for {name}:</source>
        <translation>Chaîne du serveur&#xa0;: NON valide pour {name}&#xa0;:</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The server ended the handshake after sending its chain ({error}); it requires a client certificate, and none is sent when fetching the root. The chain above was read before that.</source>
        <translation>Le serveur a mis fin à la négociation TLS après avoir envoyé sa chaîne ({error})&#xa0;; il exige un certificat client, et aucun n&apos;est envoyé lors de la lecture de la racine. La chaîne ci-dessus a été lue avant.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The server ended the handshake after sending its chain ({error}). The chain above was read before that.</source>
        <translation>Le serveur a mis fin à la négociation TLS après avoir envoyé sa chaîne ({error}). La chaîne ci-dessus a été lue avant.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Root: not found, so nothing was saved. The chain stops at &apos;{subject}&apos;, issued by &apos;{issuer}&apos;: get that CA&apos;s root certificate (from the CA&apos;s website, or SAP&apos;s Connectivity Test) and pass it with --ca-file.</source>
        <translation>Racine&#xa0;: introuvable, rien n&apos;a donc été enregistré. La chaîne s&apos;arrête à «&#xa0;{subject}&#xa0;», émis par «&#xa0;{issuer}&#xa0;»&#xa0;: procurez-vous le certificat racine de cette AC (sur son site web ou via le test de connectivité SAP) et passez-le avec --ca-file.</translation>
    </message>
    <message>
        <location filename="../wizard/commands/fetch_root.py" line="+64"/>
        <source>--timeout must be a positive number of seconds.</source>
        <translation>--timeout doit être un nombre de secondes positif.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Reading the certificate chain of {address}…</source>
        <translation>Lecture de la chaîne de certificats de {address}…</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Chain of {address} ({protocol}, through the proxy {proxy}):</source>
        <translation>Chaîne de {address} ({protocol}, via le proxy {proxy})&#xa0;:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Chain of {address} ({protocol}):</source>
        <translation>Chaîne de {address} ({protocol})&#xa0;:</translation>
    </message>
    <message>
        <location line="+11"/>
        <location filename="../wizard/core/fetch_root.py" line="+15"/>
        <source>sent by server</source>
        <translation>envoyé par le serveur</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../wizard/core/fetch_root.py" line="+5"/>
        <source>resolved from {source}</source>
        <translation>trouvé dans {source}</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Saved (profile {profile}):</source>
        <translation>Enregistré (profil {profile})&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Saved:</source>
        <translation>Enregistré&#xa0;:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Next: import {cer} into the sender&apos;s trust store (STRUST: SSL client PSE → Import certificate → Add to Certificate List; Java: keytool -importcert -file {cer}; Postman: Settings → Certificates → CA certificates → {pem}).</source>
        <translation>Ensuite&#xa0;: importez {cer} dans le magasin de confiance de l&apos;émetteur (STRUST&#xa0;: PSE client SSL → Importer le certificat → Ajouter à la liste des certificats&#xa0;; Java&#xa0;: keytool -importcert -file {cer}&#xa0;; Postman&#xa0;: Settings → Certificates → CA certificates → {pem}).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Not saved: add --profile NAME and/or --out DIR to save the root.</source>
        <translation>Non enregistré&#xa0;: ajoutez --profile NOM et/ou --out DOSSIER pour enregistrer la racine.</translation>
    </message>
    <message>
        <location filename="../wizard/core/fetch_root.py" line="-14"/>
        <source>Root: not found, so nothing was saved. The chain stops at &apos;{subject}&apos;, issued by &apos;{issuer}&apos;: get that CA&apos;s root certificate (from the CA&apos;s website, or SAP&apos;s Connectivity Test) and tick Skip on this step.</source>
        <translation>Racine&#xa0;: introuvable, rien n&apos;a donc été enregistré. La chaîne s&apos;arrête à «&#xa0;{subject}&#xa0;», émis par «&#xa0;{issuer}&#xa0;»&#xa0;: procurez-vous le certificat racine de cette AC (sur son site web ou via le test de connectivité SAP) et cochez «&#xa0;Ignorer pour l&apos;instant&#xa0;» à cette étape.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Root: {subject} (SHA-256 {sha256}), {origin}.</source>
        <translation>Racine&#xa0;: {subject} (SHA-256 {sha256}), {origin}.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP&apos;s list, {version}: the root is on the required list (the roots every BTP client must trust).</source>
        <translation>Liste SAP, {version}&#xa0;: la racine figure sur la liste obligatoire (les racines que tout client BTP doit approuver).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP&apos;s list, {version}: the root is approved, but not on the required list.</source>
        <translation>Liste SAP, {version}&#xa0;: la racine est approuvée, mais ne figure pas sur la liste obligatoire.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>SAP&apos;s list, {version}: the root is not in this version of the list (it was in earlier ones); whether SAP still uses it is not confirmed.</source>
        <translation>Liste de SAP, {version}&#xa0;: la racine ne figure pas dans cette version de la liste (elle figurait dans les précédentes)&#xa0;; il n&apos;est pas confirmé que SAP l&apos;utilise encore.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP&apos;s list, {version}: the root is an expired historic root.</source>
        <translation>Liste SAP, {version}&#xa0;: la racine est une ancienne racine expirée.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>SAP&apos;s list, {version}: the root is not on it. That is unusual for an SAP Cloud Integration host: check that this is the tenant&apos;s runtime host, and whether a proxy or firewall that inspects TLS put its own root in front.</source>
        <translation>Liste SAP, {version}&#xa0;: la racine n&apos;y figure pas. C&apos;est inhabituel pour un hôte SAP Cloud Integration&#xa0;: vérifiez qu&apos;il s&apos;agit bien de l&apos;hôte d&apos;exécution du tenant, et qu&apos;aucun proxy ou pare-feu inspectant le TLS n&apos;a placé sa propre racine devant.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Environment: Neo (the host is an -iflmap. runtime host).</source>
        <translation>Environnement&#xa0;: Neo (l&apos;hôte est un hôte d&apos;exécution -iflmap.).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Environment: Cloud Foundry (the host is an -rt.cfapps. runtime host).</source>
        <translation>Environnement&#xa0;: Cloud Foundry (l&apos;hôte est un hôte d&apos;exécution -rt.cfapps.).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Environment: not recognised from the host name (neither Neo -iflmap. nor Cloud Foundry -rt.cfapps.); choose it in the profile.</source>
        <translation>Environnement&#xa0;: non reconnu d&apos;après le nom d&apos;hôte (ni Neo -iflmap., ni Cloud Foundry -rt.cfapps.)&#xa0;; choisissez-le dans le profil.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Client certificates: the server did not ask for one during the handshake.</source>
        <translation>Certificats client&#xa0;: le serveur n&apos;en a pas demandé pendant la négociation TLS.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Client certificates: the server asks for one and lists no CA names (it does not say which CAs it accepts).</source>
        <translation>Certificats client&#xa0;: le serveur en demande un sans indiquer de noms d&apos;AC (il ne dit pas quelles AC il accepte).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Client certificates: the server asks for one and lists %n acceptable CA name(s); your certificate must chain to one of them:</source>
        <translation>Certificats client&#xa0;: le serveur en demande un et indique %n nom(s) d&apos;AC accepté(s)&#xa0;; la chaîne de votre certificat doit aboutir à l&apos;un d&apos;eux&#xa0;:</translation>
    </message>
</context>
<context>
    <name>flow</name>
    <message>
        <location filename="../wizard/core/flow.py" line="+82"/>
        <source>Sender systems</source>
        <translation>Systèmes émetteurs</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sender system and tenant</source>
        <translation>Système émetteur et tenant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Trust the tenant</source>
        <translation>Faire confiance au tenant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Key and certificate request</source>
        <translation>Clé et demande de certificat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting for the CA</source>
        <translation>Attente de l&apos;AC</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signed certificate</source>
        <translation>Certificat signé</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export for the sender system</source>
        <translation>Export pour le système émetteur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tenant entry</source>
        <translation>Saisie dans le tenant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Test call</source>
        <translation>Appel de test</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Summary</source>
        <translation>Récapitulatif</translation>
    </message>
    <message>
        <location line="+126"/>
        <source>This is not a URL or host name: paste the endpoint as https://host/path, or the runtime host alone.</source>
        <translation>Ce n&apos;est ni une URL ni un nom d&apos;hôte&#xa0;: collez le point de terminaison sous la forme https://hôte/chemin, ou l&apos;hôte d&apos;exécution seul.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The tenant is called over HTTPS: the URL starts with https://.</source>
        <translation>Le tenant est appelé en HTTPS&#xa0;: l&apos;URL commence par https://.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>{host} is the Cloud Foundry design-time (management) host, not the runtime endpoint a sender calls: the runtime host has -rt after it-cpiNNN (the url of the integration-flow service key).</source>
        <translation>{host} est l&apos;hôte de conception (gestion) Cloud Foundry, pas le point de terminaison d&apos;exécution qu&apos;appelle un émetteur&#xa0;: l&apos;hôte d&apos;exécution a -rt après it-cpiNNN (l&apos;url de la clé de service du flux d&apos;intégration).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{host} is the Neo management (tmn) host, not the runtime endpoint a sender calls: the runtime host ends in -iflmap.</source>
        <translation>{host} est l&apos;hôte de gestion (tmn) Neo, pas le point de terminaison d&apos;exécution qu&apos;appelle un émetteur&#xa0;: l&apos;hôte d&apos;exécution se termine par -iflmap.</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>{code} is not an ISO 3166 country code; use the two letters, e.g. DE.</source>
        <translation>{code} n&apos;est pas un code pays ISO 3166&#xa0;; utilisez les deux lettres, p. ex. DE.</translation>
    </message>
    <message>
        <location line="+127"/>
        <source>the tenant&apos;s load-balancer root (DER)</source>
        <translation>la racine du répartiteur de charge du tenant (DER)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the sender&apos;s trust store: STRUST SSL client PSE, Java truststore, Postman CA certificates</source>
        <translation>le magasin de confiance de l&apos;émetteur&#xa0;: PSE client SSL de STRUST, truststore Java, certificats d&apos;AC Postman</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the same root as PEM text</source>
        <translation>la même racine en texte PEM</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>trust stores that want PEM (curl --cacert, OpenSSL)</source>
        <translation>magasins de confiance qui attendent du PEM (curl --cacert, OpenSSL)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the certificate request: public key and subject</source>
        <translation>la demande de certificat&#xa0;: clé publique et sujet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the CA, asking for a client authentication certificate</source>
        <translation>l&apos;AC, en demandant un certificat d&apos;authentification client</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>private key, certificate and intermediates, protected by a password</source>
        <translation>clé privée, certificat et intermédiaires, protégés par un mot de passe</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the sender&apos;s keystore: STRUST (sapgenpse import_p12), keytool -importkeystore, Postman PFX, Windows</source>
        <translation>le magasin de clés de l&apos;émetteur&#xa0;: STRUST (sapgenpse import_p12), keytool -importkeystore, PFX Postman, Windows</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the client certificate only, public (DER)</source>
        <translation>le certificat client seul, public (DER)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the tenant: Neo Certificate-to-User Mapping upload</source>
        <translation>le tenant&#xa0;: chargement dans le mappage certificat-utilisateur Neo</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the client certificate only, public (PEM)</source>
        <translation>le certificat client seul, public (PEM)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the tenant: Cloud Foundry External Certificate service key</source>
        <translation>le tenant&#xa0;: clé de service External Certificate Cloud Foundry</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the certificate and its intermediates (PEM)</source>
        <translation>le certificat et ses intermédiaires (PEM)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>curl --cert, or senders that take the chain separately</source>
        <translation>curl --cert, ou les émetteurs qui prennent la chaîne séparément</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the body of the mapping API call</source>
        <translation>le corps de l&apos;appel à l&apos;API de mappage</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>POST /api/v1/CertificateUserMappings on the Neo tenant</source>
        <translation>POST /api/v1/CertificateUserMappings sur le tenant Neo</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the service instance&apos;s parameters (roles)</source>
        <translation>les paramètres de l&apos;instance de service (rôles)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cf create-service … -c, or the cockpit&apos;s JSON field</source>
        <translation>cf create-service … -c, ou le champ JSON du cockpit</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the External Certificate service key&apos;s parameters</source>
        <translation>les paramètres de la clé de service External Certificate</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cf create-service-key … -c, or the cockpit&apos;s JSON field</source>
        <translation>cf create-service-key … -c, ou le champ JSON du cockpit</translation>
    </message>
</context>
<context>
    <name>https</name>
    <message>
        <location filename="../wizard/core/https.py" line="+81"/>
        <source>{url} answered {what} with {content_type} that is not JSON (HTTP {status}).</source>
        <translation>{url} a répondu à {what} avec {content_type}, qui n&apos;est pas du JSON (HTTP {status}).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>no content type</source>
        <translation>aucun type de contenu</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>{file} cannot be used as CA file ({reason}); give a PEM file with the CA certificate that signed the server&apos;s certificate.</source>
        <translation>{file} ne peut pas servir de fichier d&apos;AC ({reason})&#xa0;; indiquez un fichier PEM contenant le certificat de l&apos;AC qui a signé le certificat du serveur.</translation>
    </message>
    <message>
        <location line="+136"/>
        <location line="+129"/>
        <source>{url!r} is not an https URL.</source>
        <translation>{url!r} n&apos;est pas une URL https.</translation>
    </message>
    <message>
        <location line="-68"/>
        <source>The server certificate of {host} is not trusted ({reason}). {advice}</source>
        <translation>Le certificat serveur de {host} n&apos;est pas approuvé ({reason}). {advice}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The proxy {proxy} (HTTPS_PROXY) refused to connect to {host} ({reason}). Ask for {host} to be allowed, or set NO_PROXY if it should be reached directly.</source>
        <translation>Le proxy {proxy} (HTTPS_PROXY) a refusé de se connecter à {host} ({reason}). Demandez que {host} soit autorisé, ou définissez NO_PROXY s&apos;il doit être joint directement.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>connection refused</source>
        <translation>connexion refusée</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>no answer in time</source>
        <translation>pas de réponse dans le délai imparti</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the host name is unknown</source>
        <translation>le nom d&apos;hôte est inconnu</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cannot reach {host} through the proxy {proxy} (HTTPS_PROXY): {detail}. Check the proxy address and that it is running, or unset HTTPS_PROXY to connect directly.</source>
        <translation>Impossible de joindre {host} via le proxy {proxy} (HTTPS_PROXY)&#xa0;: {detail}. Vérifiez l&apos;adresse du proxy et qu&apos;il fonctionne, ou supprimez HTTPS_PROXY pour vous connecter directement.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Cannot reach {host}: {detail}. {check}</source>
        <translation>Impossible de joindre {host}&#xa0;: {detail}. {check}</translation>
    </message>
    <message>
        <location line="+80"/>
        <source>The server certificate of {host} is not trusted ({why}). {advice}</source>
        <translation>Le certificat serveur de {host} n&apos;est pas approuvé ({why}). {advice}</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>{host} refused the client certificate of the service key during the TLS handshake{reason}: it is expired, revoked or not the one of this key. Create a new service key and run again with --destination-key NEW-KEY.json.</source>
        <translation>{host} a refusé le certificat client de la clé de service pendant la négociation TLS{reason}&#xa0;: il est expiré, révoqué ou n&apos;est pas celui de cette clé. Créez une nouvelle clé de service et relancez avec --destination-key NEW-KEY.json.</translation>
    </message>
    <message>
        <location filename="../wizard/core/neo_api.py" line="+90"/>
        <source>Check the --tmn URL, your network and proxy (HTTPS_PROXY), then try again.</source>
        <translation>Vérifiez l&apos;URL --tmn, votre réseau et le proxy (HTTPS_PROXY), puis réessayez.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>For a private test server give its CA with --ca-file; for SAP&apos;s hosts check for a TLS-inspecting proxy.</source>
        <translation>Pour un serveur de test privé, indiquez son AC avec --ca-file&#xa0;; pour les hôtes SAP, vérifiez la présence d&apos;un proxy qui inspecte le TLS.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>It looks like a login page: check that the URL is the tmn host and that this user may log in with a password (or use --tmn-client-id).</source>
        <translation>Cela ressemble à une page de connexion&#xa0;: vérifiez que l&apos;URL est bien celle de l&apos;hôte tmn et que cet utilisateur peut se connecter avec un mot de passe (ou utilisez --tmn-client-id).</translation>
    </message>
    <message>
        <location filename="../wizard/core/sap_sign.py" line="+419"/>
        <source>Check the service key&apos;s &apos;url&apos; and &apos;uri&apos;, your network and, if you need one, the proxy (HTTPS_PROXY); then try again.</source>
        <translation>Vérifiez «&#xa0;url&#xa0;» et «&#xa0;uri&#xa0;» dans la clé de service, votre réseau et, si nécessaire, le proxy (HTTPS_PROXY)&#xa0;; puis réessayez.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>For SAP&apos;s hosts check for a TLS-inspecting proxy (give its CA with --ca-file); for a private test server give its CA with --ca-file.</source>
        <translation>Pour les hôtes SAP, vérifiez la présence d&apos;un proxy qui inspecte le TLS (indiquez son AC avec --ca-file)&#xa0;; pour un serveur de test privé, indiquez son AC avec --ca-file.</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/transport.py" line="-414"/>
        <source>Check the CA&apos;s address (and that its web enrollment or EST service runs), your network and, if you need one, the proxy (--proxy or HTTPS_PROXY); then try again.</source>
        <translation>Vérifiez l&apos;adresse de l&apos;AC (et que son inscription web ou son service EST fonctionne), votre réseau et, si nécessaire, le proxy (--proxy ou HTTPS_PROXY)&#xa0;; puis réessayez.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>A company CA&apos;s web server usually has a certificate from the company&apos;s own root: give that root with --ca-file (PEM), or install it in the system&apos;s trust store.</source>
        <translation>Le serveur web d&apos;une AC d&apos;entreprise a généralement un certificat issu de la racine propre à l&apos;entreprise&#xa0;: indiquez cette racine avec --ca-file (PEM) ou installez-la dans le magasin de confiance du système.</translation>
    </message>
</context>
<context>
    <name>import_p12</name>
    <message>
        <location filename="../wizard/commands/import_p12.py" line="+37"/>
        <source>a password file</source>
        <translation>un fichier de mot de passe</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Password of {file}: </source>
        <translation>Mot de passe de {file}&#xa0;: </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The password of {file} is needed: type it at the prompt, or use --password-file or {variable}.</source>
        <translation>Le mot de passe de {file} est nécessaire&#xa0;: saisissez-le à l&apos;invite, ou utilisez --password-file ou {variable}.</translation>
    </message>
</context>
<context>
    <name>import_reply</name>
    <message>
        <location line="+26"/>
        <location filename="../wizard/commands/import_reply.py" line="+40"/>
        <source>Next: {command}</source>
        <translation>Ensuite&#xa0;: {command}</translation>
    </message>
</context>
<context>
    <name>import_service_key</name>
    <message>
        <location filename="../wizard/commands/import_service_key.py" line="+34"/>
        <source>The key is stored encrypted in the profile; its passphrase is in the keyring. Next: {command}</source>
        <translation>La clé est enregistrée chiffrée dans le profil&#xa0;; sa phrase secrète est dans le trousseau. Ensuite&#xa0;: {command}</translation>
    </message>
</context>
<context>
    <name>json</name>
    <message>
        <location filename="../wizard/core/jsontext.py" line="+65"/>
        <source>nested more than {limit} levels deep</source>
        <translation>imbriqué sur plus de {limit} niveaux</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>a \u escape that is half of a character</source>
        <translation>une séquence \u qui n&apos;est que la moitié d&apos;un caractère</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>a number too long to read</source>
        <translation>un nombre trop long pour être lu</translation>
    </message>
</context>
<context>
    <name>keys</name>
    <message>
        <location filename="../wizard/core/keys.py" line="+37"/>
        <source>{value!r} is not a key type this tool makes; choose one of {choices}.</source>
        <translation>{value!r} n&apos;est pas un type de clé que cet outil génère&#xa0;; choisissez parmi {choices}.</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>{source} cannot be decrypted with the stored passphrase. If you changed keyrings or machines, the passphrase is in the old keyring; otherwise generate a new key (csr --new-key) and request a new certificate.</source>
        <translation>{source} ne peut pas être déchiffré avec la phrase secrète enregistrée. Si vous avez changé de trousseau de clés ou de machine, la phrase secrète se trouve dans l&apos;ancien trousseau&#xa0;; sinon, générez une nouvelle clé (csr --new-key) et demandez un nouveau certificat.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{source} holds a {kind}; use RSA or EC.</source>
        <translation>{source} contient une clé de type {kind}&#xa0;; utilisez RSA ou EC.</translation>
    </message>
</context>
<context>
    <name>language</name>
    <message>
        <location filename="../wizard/language.py" line="+125"/>
        <source>{code!r} is not a language of this program; use one of {codes}.</source>
        <translation>{code!r} n&apos;est pas une langue de ce programme&#xa0;; utilisez l&apos;une des suivantes&#xa0;: {codes}.</translation>
    </message>
</context>
<context>
    <name>lints</name>
    <message>
        <location filename="../wizard/core/lints.py" line="+39"/>
        <source>certificate for another key</source>
        <translation>certificat d&apos;une autre clé</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos;: this certificate belongs to another key; it was not issued for the CSR of {profile}. Import the certificate the CA issued for this CSR (compare subject and order number), or send this profile&apos;s CSR to the CA.</source>
        <translation>«&#xa0;{subject}&#xa0;»&#xa0;: ce certificat correspond à une autre clé&#xa0;; il n&apos;a pas été émis pour la CSR de {profile}. Importez le certificat que l&apos;AC a émis pour cette CSR (comparez le sujet et le numéro de commande), ou envoyez la CSR de ce profil à l&apos;AC.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>self-signed certificate</source>
        <translation>certificat auto-signé</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is self-signed: self-signed certificates never pass SAP&apos;s load balancer, which only forwards certificates that chain to a root on SAP&apos;s list. Send the CSR to a CA whose root is on SAP&apos;s list and import the certificate it returns.</source>
        <translation>«&#xa0;{subject}&#xa0;» est auto-signé&#xa0;: les certificats auto-signés ne passent jamais le répartiteur de charge SAP, qui ne transmet que les certificats rattachés à une racine de la liste SAP. Envoyez la CSR à une AC dont la racine figure sur la liste SAP et importez le certificat qu&apos;elle renvoie.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>chain cannot be completed</source>
        <translation>chaîne impossible à compléter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the chain cannot be completed: issuer &apos;{issuer}&apos; of &apos;{subject}&apos; was not found; add it with --ca-file or get the CA&apos;s bundle (intermediate and root certificates, usually on the CA&apos;s download page).{detail}</source>
        <translation>la chaîne ne peut pas être complétée&#xa0;: l&apos;émetteur «&#xa0;{issuer}&#xa0;» de «&#xa0;{subject}&#xa0;» est introuvable&#xa0;; ajoutez-le avec --ca-file ou récupérez le bundle de l&apos;AC (certificats intermédiaires et racine, en général sur sa page de téléchargement).{detail}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>certificate not valid</source>
        <translation>certificat non valide</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is not valid: {reason}. {fix}</source>
        <translation>«&#xa0;{subject}&#xa0;» n&apos;est pas valide&#xa0;: {reason}. {fix}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>validity date encoded as GeneralizedTime</source>
        <translation>date de validité encodée en GeneralizedTime</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; encodes a validity date before 2050 as GeneralizedTime. RFC 5280 asks CAs for UTCTime there, but validators such as OpenSSL accept it (NIST PKITS 4.2.4), and so does this program: signatures and dates were checked. If a sender&apos;s TLS library refuses the certificate, ask the CA to issue it again.</source>
        <translation>&apos;{subject}&apos; encode une date de validité antérieure à 2050 en GeneralizedTime. La RFC 5280 demande UTCTime aux autorités de certification dans ce cas, mais des validateurs comme OpenSSL l&apos;acceptent (NIST PKITS 4.2.4), et ce programme aussi&#xa0;: signatures et dates ont été vérifiées. Si la bibliothèque TLS d&apos;un système émetteur refuse le certificat, demandez à l&apos;autorité de le réémettre.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>CA certificate instead of a client certificate</source>
        <translation>certificat d&apos;AC au lieu d&apos;un certificat client</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is a CA certificate (basicConstraints CA:TRUE), not a client certificate. Pick the certificate the CA issued for your CSR, not the CA&apos;s own.</source>
        <translation>«&#xa0;{subject}&#xa0;» est un certificat d&apos;AC (basicConstraints CA:TRUE), pas un certificat client. Choisissez le certificat que l&apos;AC a émis pour votre CSR, pas celui de l&apos;AC elle-même.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>not for client authentication</source>
        <translation>pas pour l&apos;authentification client</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>key usage forbids signing</source>
        <translation>Key Usage interdit la signature</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; has a Key Usage without digitalSignature ({usages}), so it cannot sign the TLS handshake as a client. Ask the CA for a client-authentication certificate with Key Usage digitalSignature.</source>
        <translation>«&#xa0;{subject}&#xa0;» a un Key Usage sans digitalSignature ({usages})&#xa0;: il ne peut donc pas signer la négociation TLS en tant que client. Demandez à l&apos;AC un certificat d&apos;authentification client avec Key Usage digitalSignature.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>RSA key too short</source>
        <translation>clé RSA trop courte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; has an RSA key of {bits} bits; at least 2048 are required. {fix}</source>
        <translation>«&#xa0;{subject}&#xa0;» a une clé RSA de {bits} bits&#xa0;; il en faut au moins 2048. {fix}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>SHA-1 signature</source>
        <translation>signature SHA-1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is signed with {algorithm}, which SAP&apos;s load balancer and current TLS libraries reject. {fix}</source>
        <translation>«&#xa0;{subject}&#xa0;» est signé avec {algorithm}, que le répartiteur de charge SAP et les bibliothèques TLS actuelles refusent. {fix}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>empty common name</source>
        <translation>nom commun vide</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; has no common name (CN). SAP shows and maps client certificates by their CN: create a new CSR with --cn and have it signed again.</source>
        <translation>«&#xa0;{subject}&#xa0;» n&apos;a pas de nom commun (CN). SAP affiche et mappe les certificats client d&apos;après leur CN&#xa0;: créez une nouvelle CSR avec --cn et faites-la signer à nouveau.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>common name with spaces at the ends</source>
        <translation>nom commun avec des espaces aux extrémités</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the common name &apos;{cn}&apos; of &apos;{subject}&apos; has leading or trailing spaces, which make the mapping to a user fail. Create a new CSR with the CN trimmed and have it signed again.</source>
        <translation>le nom commun «&#xa0;{cn}&#xa0;» de «&#xa0;{subject}&#xa0;» commence ou se termine par des espaces, ce qui fait échouer le mappage vers un utilisateur. Créez une nouvelle CSR avec le CN sans ces espaces et faites-la signer à nouveau.</translation>
    </message>
    <message>
        <location line="-54"/>
        <source>no Extended Key Usage</source>
        <translation>pas d&apos;Extended Key Usage</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>unusual key type</source>
        <translation>type de clé inhabituel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; has a {key} key; SAP documents RSA (2048 bits or more) and EC P-256 or P-384 for client certificates. If the load balancer refuses it, create a new CSR with --key-type rsa-3072 or ec-p256.</source>
        <translation>«&#xa0;{subject}&#xa0;» a une clé {key}&#xa0;; SAP documente RSA (2048 bits ou plus) et EC P-256 ou P-384 pour les certificats client. Si le répartiteur de charge la refuse, créez une nouvelle CSR avec --key-type rsa-3072 ou ec-p256.</translation>
    </message>
    <message>
        <location line="-79"/>
        <source>&apos;{subject}&apos; has an Extended Key Usage without clientAuth ({usages}). SAP: &quot;The certificate must include the Client Authentication Extended Key Usage (EKU) with OID 1.3.6.1.5.5.7.3.2. Certificates without this EKU are rejected during the TLS handshake.&quot; Public TLS CAs stopped issuing clientAuth in their TLS/SSL server certificates in 2026, and SAP Integration Suite rejects client certificates without it. Ask the CA for a client-authentication certificate (Extended Key Usage clientAuth).</source>
        <translation>&apos;{subject}&apos; a une Extended Key Usage sans clientAuth ({usages}). SAP&#xa0;: « The certificate must include the Client Authentication Extended Key Usage (EKU) with OID 1.3.6.1.5.5.7.3.2. Certificates without this EKU are rejected during the TLS handshake. » (le certificat doit contenir l&apos;Extended Key Usage Client Authentication, OID 1.3.6.1.5.5.7.3.2&#xa0;; sans elle, il est refusé pendant la négociation TLS). Les CA TLS publiques ne délivrent plus clientAuth dans leurs certificats serveur TLS/SSL depuis 2026, et SAP Integration Suite refuse les certificats client qui ne l&apos;ont pas. Demandez à la CA un certificat d&apos;authentification client (Extended Key Usage clientAuth).</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>&apos;{subject}&apos; has no Extended Key Usage, so it does not include clientAuth. RFC 5280 treats that as unrestricted, but SAP does not: &quot;The certificate must include the Client Authentication Extended Key Usage (EKU) with OID 1.3.6.1.5.5.7.3.2. Certificates without this EKU are rejected during the TLS handshake.&quot; Ask the CA for a client-authentication certificate (Extended Key Usage clientAuth).</source>
        <translation>&apos;{subject}&apos; n&apos;a pas d&apos;Extended Key Usage, donc pas de clientAuth. La RFC 5280 considère cela comme sans restriction, mais pas SAP&#xa0;: « The certificate must include the Client Authentication Extended Key Usage (EKU) with OID 1.3.6.1.5.5.7.3.2. Certificates without this EKU are rejected during the TLS handshake. » (le certificat doit contenir l&apos;Extended Key Usage Client Authentication, OID 1.3.6.1.5.5.7.3.2&#xa0;; sans elle, il est refusé pendant la négociation TLS). Demandez à la CA un certificat d&apos;authentification client (Extended Key Usage clientAuth).</translation>
    </message>
    <message>
        <location line="+74"/>
        <source>root not confirmed by SAP&apos;s list</source>
        <translation>racine non confirmée par la liste de SAP</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the root &apos;{subject}&apos; is not on {version}, so this tool cannot confirm that SAP&apos;s load balancer accepts it (not confirmed, not refused). That list is one source: the authoritative list is SAP Note 2801396 (needs an SAP login), and SAP&apos;s help pages name roots it lacks. Check the note or the acceptable-CA names the load balancer sends (fetch-root), and add roots with --sap-roots FILE.</source>
        <translation>la racine &apos;{subject}&apos; ne figure pas sur {version}&#xa0;: cet outil ne peut donc pas confirmer que le répartiteur de charge de SAP l&apos;accepte (non confirmée, pas refusée). Cette liste est une source parmi d&apos;autres&#xa0;: la liste de référence est la note SAP 2801396 (connexion SAP requise), et les pages d&apos;aide de SAP citent des racines qui n&apos;y figurent pas. Consultez la note ou les noms de CA acceptées qu&apos;envoie le répartiteur de charge (fetch-root), et ajoutez des racines avec --sap-roots FICHIER.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>root not in SAP&apos;s current list</source>
        <translation>racine absente de la liste actuelle de SAP</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the root &apos;{subject}&apos; was in earlier versions of SAP&apos;s BTP trust store but is not in {version}. SAP&apos;s Neo page of trusted root CAs (April 2026) still lists some of these roots, so whether the load balancer accepts it is not confirmed. Check SAP Note 2801396; a CA whose root is on the list avoids the question.</source>
        <translation>la racine &apos;{subject}&apos; figurait dans des versions antérieures du BTP Trust Store de SAP, mais pas dans {version}. La page Neo de SAP sur les CA racines de confiance (avril 2026) cite encore certaines de ces racines&#xa0;: il n&apos;est donc pas confirmé que le répartiteur de charge l&apos;accepte. Consultez la note SAP 2801396&#xa0;; une CA dont la racine est sur la liste évite la question.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>root not among the custom domain&apos;s trusted CAs</source>
        <translation>racine absente des CA de confiance du domaine personnalisé</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the root &apos;{subject}&apos; is not among {version}. With a custom domain and a customer-managed trust model the load balancer accepts the CAs configured for that domain: add this root there (and to the file you gave), or use a certificate from a CA that is configured.</source>
        <translation>la racine &apos;{subject}&apos; ne fait pas partie de {version}. Avec un domaine personnalisé et un modèle de confiance géré par le client, le répartiteur de charge accepte les CA configurées pour ce domaine&#xa0;: ajoutez-y cette racine (et au fichier indiqué), ou utilisez un certificat d&apos;une CA configurée.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>expires soon</source>
        <translation>expire bientôt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; expires on {date} ({days} days left). Renew it now: new CSR, new certificate, then a new mapping entry (Neo) or service key (Cloud Foundry).</source>
        <translation>«&#xa0;{subject}&#xa0;» expire le {date} ({days} jours restants). Renouvelez-le maintenant&#xa0;: nouvelle CSR, nouveau certificat, puis nouvelle entrée de mappage (Neo) ou nouvelle clé de service (Cloud Foundry).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>renewal due</source>
        <translation>renouvellement à prévoir</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is past two thirds of its lifetime ({days} of {total} days left, expires on {date}). Plan the renewal: new CSR, new certificate, new mapping entry (Neo) or service key (Cloud Foundry).</source>
        <translation>«&#xa0;{subject}&#xa0;» a dépassé les deux tiers de sa durée de vie ({days} jours restants sur {total}, expire le {date}). Planifiez le renouvellement&#xa0;: nouvelle CSR, nouveau certificat, nouvelle entrée de mappage (Neo) ou nouvelle clé de service (Cloud Foundry).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>certificate outlives its issuer</source>
        <translation>certificat valide plus longtemps que son émetteur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is valid until {date}, but its issuer &apos;{issuer}&apos; expires on {issuer_date}: from then on the chain no longer validates and the load balancer drops it. Get the CA&apos;s renewed intermediate before that date, or renew the certificate earlier.</source>
        <translation>&apos;{subject}&apos; est valide jusqu&apos;au {date}, mais son émetteur &apos;{issuer}&apos; expire le {issuer_date}&#xa0;: dès lors la chaîne ne se valide plus et le répartiteur de charge l&apos;écarte. Obtenez avant cette date le certificat intermédiaire renouvelé de la CA, ou renouvelez le certificat plus tôt.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>chain ends in Baltimore CyberTrust Root</source>
        <translation>chaîne aboutissant à Baltimore CyberTrust Root</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the chain ends in &apos;{subject}&apos;, which expired on {date}. It was the historic root of SAP&apos;s Neo load balancer and certificates depending on it no longer work. Get a new certificate from a CA whose root is on {version}.</source>
        <translation>la chaîne aboutit à «&#xa0;{subject}&#xa0;», qui a expiré le {date}. C&apos;était l&apos;ancienne racine du répartiteur de charge SAP Neo, et les certificats qui en dépendent ne fonctionnent plus. Obtenez un nouveau certificat auprès d&apos;une AC dont la racine figure dans {version}.</translation>
    </message>
    <message>
        <location filename="../wizard/core/chain.py" line="+369"/>
        <source>No certificate was given. Import the file the CA sent back.</source>
        <translation>Aucun certificat n&apos;a été fourni. Importez le fichier que l&apos;AC vous a renvoyé.</translation>
    </message>
    <message>
        <location line="+53"/>
        <source> Accepted anyway because {flag} was given: SAP&apos;s load balancer will drop this certificate in the TLS handshake, so it cannot authenticate a sender to Cloud Integration.</source>
        <translation> Accepté malgré tout parce que {flag} a été indiqué&#xa0;: le répartiteur de charge de SAP écartera ce certificat pendant la négociation TLS, il ne peut donc pas authentifier un émetteur auprès de Cloud Integration.</translation>
    </message>
    <message>
        <location line="+32"/>
        <location line="+298"/>
        <source> Also tried: {sources}.</source>
        <translation> Sources également essayées&#xa0;: {sources}.</translation>
    </message>
    <message>
        <location line="-289"/>
        <source>its signature does not verify with the key of &apos;{issuer}&apos; from {origin}, a different CA certificate with the same name</source>
        <translation>sa signature ne se vérifie pas avec la clé de «&#xa0;{issuer}&#xa0;» provenant de {origin}, un autre certificat d&apos;AC portant le même nom</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Get the issuer certificate that belongs to this certificate from the CA (a renewed CA certificate has a new key).</source>
        <translation>Procurez-vous auprès de l&apos;AC le certificat émetteur qui correspond à ce certificat (un certificat d&apos;AC renouvelé a une nouvelle clé).</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Ask the CA for a new certificate.</source>
        <translation>Demandez un nouveau certificat à l&apos;AC.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Get the current CA certificate from the CA (or its bundle).</source>
        <translation>Procurez-vous le certificat d&apos;AC actuel auprès de l&apos;AC (ou son bundle).</translation>
    </message>
    <message>
        <location line="+3"/>
        <location filename="../wizard/core/prechecks.py" line="+195"/>
        <source>expired on {date}</source>
        <translation>expiré le {date}</translation>
    </message>
    <message>
        <location line="+4"/>
        <location filename="../wizard/core/prechecks.py" line="+3"/>
        <source>not valid before {date}</source>
        <translation>valide seulement à partir du {date}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Check the computer&apos;s clock, or wait until that date.</source>
        <translation>Vérifiez l&apos;horloge de l&apos;ordinateur, ou attendez cette date.</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>Create a new CSR with --key-type rsa-3072 (or ec-p256) and have it signed again.</source>
        <translation>Créez une nouvelle CSR avec --key-type rsa-3072 (ou ec-p256) et faites-la signer à nouveau.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>This CA is too weak for SAP; get the certificate from a different CA.</source>
        <translation>Cette AC est trop faible pour SAP&#xa0;; obtenez le certificat auprès d&apos;une autre AC.</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Ask the CA to issue it again with SHA-256.</source>
        <translation>Demandez à l&apos;AC de le réémettre avec SHA-256.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The CA must give you a CA certificate signed with SHA-256, or use another CA.</source>
        <translation>L&apos;AC doit vous fournir un certificat d&apos;AC signé avec SHA-256&#xa0;; sinon, changez d&apos;AC.</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>its chain to &apos;{root}&apos; failed validation ({reason})</source>
        <translation>sa chaîne vers «&#xa0;{root}&#xa0;» n&apos;a pas passé la validation ({reason})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Ask the CA for the correct chain, or for a new certificate.</source>
        <translation>Demandez à l&apos;AC la bonne chaîne, ou un nouveau certificat.</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>no issuer led to a trusted root: </source>
        <translation>aucun émetteur n&apos;a mené à une racine de confiance&#xa0;: </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the certificate is not valid at this time</source>
        <translation>le certificat n&apos;est pas valide à ce moment</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>signature algorithm not allowed</source>
        <translation>algorithme de signature non autorisé</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>public key algorithm not allowed</source>
        <translation>algorithme de clé publique non autorisé</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the required Extended Key Usage is missing</source>
        <translation>l&apos;utilisation étendue de la clé (Extended Key Usage) requise est absente</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the signature does not match</source>
        <translation>la signature ne correspond pas</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>{host} sent no certificate.</source>
        <translation>{host} n&apos;a envoyé aucun certificat.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>the server&apos;s certificate &apos;{subject}&apos; is self-signed; trust it only if you know this server</source>
        <translation>le certificat du serveur «&#xa0;{subject}&#xa0;» est auto-signé&#xa0;; ne lui faites confiance que si vous connaissez ce serveur</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>issuer &apos;{issuer}&apos; of &apos;{subject}&apos; was not found in the server&apos;s chain, {sources} or via AIA.</source>
        <translation>l&apos;émetteur «&#xa0;{issuer}&#xa0;» de «&#xa0;{subject}&#xa0;» est introuvable dans la chaîne du serveur, dans {sources} ou via AIA.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>&apos;{subject}&apos; expired on {date}</source>
        <translation>«&#xa0;{subject}&#xa0;» a expiré le {date}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&apos;{subject}&apos; is valid from {date}</source>
        <translation>«&#xa0;{subject}&#xa0;» n&apos;est valide qu&apos;à partir du {date}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the root &apos;{subject}&apos; came from the server itself and is in none of {sources}</source>
        <translation>la racine «&#xa0;{subject}&#xa0;» provient du serveur lui-même et ne figure dans aucune de ces sources&#xa0;: {sources}</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>no trust store</source>
        <translation>aucun magasin de confiance</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>invalid host name &apos;{host}&apos;</source>
        <translation>nom d&apos;hôte «&#xa0;{host}&#xa0;» non valide</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>the certificate is for {names}, not {host}</source>
        <translation>le certificat est établi pour {names}, et non pour {host}</translation>
    </message>
</context>
<context>
    <name>mapping</name>
    <message>
        <location filename="../wizard/core/mapping.py" line="+63"/>
        <source>Profile {profile!r} has no certificate yet (state {state}). Import the CA&apos;s reply first: cpi-cert-wizard import-reply --profile {profile} FILE [FILE ...]</source>
        <translation>Le profil {profile!r} n&apos;a pas encore de certificat (état {state}). Importez d&apos;abord la réponse de l&apos;AC&#xa0;: cpi-cert-wizard import-reply --profile {profile} FICHIER [FICHIER ...]</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Profile {profile!r} is marked {state} but its certificate file {file} is missing. Import the CA&apos;s reply again: cpi-cert-wizard import-reply --profile {profile} FILE</source>
        <translation>Le profil {profile!r} est à l&apos;état {state}, mais son fichier de certificat {file} est absent. Importez à nouveau la réponse de l&apos;AC&#xa0;: cpi-cert-wizard import-reply --profile {profile} FICHIER</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{file} of profile {profile!r} holds no readable PEM certificate ({reason}). Import the CA&apos;s reply again: cpi-cert-wizard import-reply --profile {profile} FILE</source>
        <translation>{file} du profil {profile!r} ne contient aucun certificat PEM lisible ({reason}). Importez à nouveau la réponse de l&apos;AC&#xa0;: cpi-cert-wizard import-reply --profile {profile} FICHIER</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{file} of profile {profile!r} starts with certificate SHA-256 {found}, but the profile records {recorded}. Import the CA&apos;s reply again so both agree: cpi-cert-wizard import-reply --profile {profile} FILE</source>
        <translation>{file} du profil {profile!r} commence par un certificat de SHA-256 {found}, mais le profil indique {recorded}. Importez à nouveau la réponse de l&apos;AC pour qu&apos;ils concordent&#xa0;: cpi-cert-wizard import-reply --profile {profile} FICHIER</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The certificate of profile {profile!r} ({subject}) expired on {date}; the tenant refuses it. Renew it first: cpi-cert-wizard csr --profile {profile} --new-key …, have the CA sign the request, then import-reply.</source>
        <translation>Le certificat du profil {profile!r} ({subject}) a expiré le {date}&#xa0;; le tenant le refuse. Renouvelez-le d&apos;abord&#xa0;: cpi-cert-wizard csr --profile {profile} --new-key …, faites signer la demande par l&apos;AC, puis import-reply.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Profile {profile!r} does not record whether the tenant runs on Neo or Cloud Foundry (cpi-cert-wizard fetch-root records it). Give --env neo or --env cf.</source>
        <translation>Le profil {profile!r} n&apos;indique pas si le tenant tourne sur Neo ou sur Cloud Foundry (cpi-cert-wizard fetch-root l&apos;enregistre). Indiquez --env neo ou --env cf.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{value!r} is not an environment; use neo or cf.</source>
        <translation>{value!r} n&apos;est pas un environnement&#xa0;; utilisez neo ou cf.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The user name is empty; give --user NAME (any name, up to 150 characters).</source>
        <translation>Le nom d&apos;utilisateur est vide&#xa0;; indiquez --user NOM (n&apos;importe quel nom, 150 caractères au maximum).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The user name {user!r} has leading or trailing spaces; the tenant compares it exactly. Remove them.</source>
        <translation>Le nom d&apos;utilisateur {user!r} commence ou se termine par des espaces&#xa0;; le tenant le compare à l&apos;identique. Supprimez-les.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The user name is {length} characters long; the tenant allows at most {limit}. Choose a shorter name.</source>
        <translation>Le nom d&apos;utilisateur fait {length} caractères&#xa0;; le tenant en autorise au maximum {limit}. Choisissez un nom plus court.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The user name {user!r} contains a control character; remove it.</source>
        <translation>Le nom d&apos;utilisateur {user!r} contient un caractère de contrôle&#xa0;; supprimez-le.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The user name {user!r} contains a space; the tenant takes a user name without spaces (for example ERP_PRD_SENDER). Use &apos;_&apos; or &apos;-&apos; instead.</source>
        <translation>Le nom d&apos;utilisateur {user!r} contient une espace&#xa0;; le tenant accepte un nom d&apos;utilisateur sans espace (par exemple ERP_PRD_SENDER). Utilisez plutôt &apos;_&apos; ou &apos;-&apos;.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{role!r} is not a valid role name: SAP allows only letters, digits, &apos;_&apos; and &apos;.&apos; (for example ESBMessaging.send); remove {bad}.</source>
        <translation>{role!r} n&apos;est pas un nom de rôle valide&#xa0;: SAP n&apos;autorise que les lettres, les chiffres, «&#xa0;_&#xa0;» et «&#xa0;.&#xa0;» (par exemple ESBMessaging.send)&#xa0;; à retirer&#xa0;: {bad}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{what} {value!r} may use only letters, digits, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;, starting with a letter or digit, so the cf command can be pasted as it is.</source>
        <translation>{what} {value!r} ne peut contenir que des lettres, des chiffres, «&#xa0;.&#xa0;», «&#xa0;_&#xa0;» et «&#xa0;-&#xa0;», et doit commencer par une lettre ou un chiffre, pour que la commande cf puisse être collée telle quelle.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The service key validity must be a whole number of days above 0, not {value}.</source>
        <translation>La validité de la clé de service doit être un nombre entier de jours supérieur à 0, et non {value}.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The tenant compares the whole certificate, serial number included: a renewed or re-issued certificate needs a new mapping entry (keep the same user so its roles stay).</source>
        <translation>Le tenant compare le certificat entier, numéro de série compris&#xa0;: un certificat renouvelé ou réémis nécessite une nouvelle entrée de mappage (gardez le même utilisateur pour conserver ses rôles).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>A certificate may sit in exactly one service key across all service instances; a second key with the same certificate makes calls fail with &apos;invalid_client … the client certificate is not configured exactly once in a service key&apos;.</source>
        <translation>Un certificat ne peut figurer que dans une seule clé de service, toutes instances confondues&#xa0;; une seconde clé avec le même certificat fait échouer les appels avec «&#xa0;invalid_client … the client certificate is not configured exactly once in a service key&#xa0;».</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Pin Certificate is on by default: only this exact certificate is accepted, so a renewed certificate needs a new service key (then delete the old one).</source>
        <translation>Pin Certificate est activé par défaut&#xa0;: seul ce certificat précis est accepté&#xa0;; un certificat renouvelé nécessite donc une nouvelle clé de service (supprimez ensuite l&apos;ancienne).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Role changes on the service instance can take up to an hour to take effect; a 403 right after a change may only be that.</source>
        <translation>Les modifications de rôles sur l&apos;instance de service peuvent mettre jusqu&apos;à une heure à s&apos;appliquer&#xa0;; un 403 juste après une modification peut n&apos;avoir que cette cause.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{role} is not a role for sending messages: roles like AuthGroup.Administrator, and the roles of the application ending in &apos;provision&apos;, let a user manage the tenant, not call integration flows. A sender needs ESBMessaging.send (or a custom role) on the runtime: Neo: the application ending in &apos;iflmap&apos;; Cloud Foundry: the integration-flow service instance.</source>
        <translation>{role} n&apos;est pas un rôle d&apos;envoi de messages&#xa0;: des rôles comme AuthGroup.Administrator, et ceux de l&apos;application qui se termine par &apos;provision&apos;, permettent d&apos;administrer le tenant, pas d&apos;appeler des flux d&apos;intégration. Un émetteur a besoin d&apos;ESBMessaging.send (ou d&apos;un rôle personnalisé) sur le runtime&#xa0;: Neo&#xa0;: l&apos;application qui se termine par &apos;iflmap&apos;&#xa0;; Cloud Foundry&#xa0;: l&apos;instance de service integration-flow.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>--validity does not apply to an External Certificate service key: SAP documents the validity only for keys of type Certificate (SAP generates the key pair); an external certificate is valid as long as the certificate itself.</source>
        <translation>--validity ne s&apos;applique pas à une clé de service External Certificate&#xa0;: SAP ne documente la validité que pour les clés de type Certificate (SAP génère la paire de clés)&#xa0;; un certificat externe vaut aussi longtemps que le certificat lui-même.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The tenant is reached through the custom domain {domain}, with a customer-managed trust model: the load balancer of that domain accepts the CAs configured for it, so SAP&apos;s root list does not judge this chain; {cas}.</source>
        <translation>Le tenant est joint par le domaine personnalisé {domain}, avec un modèle de confiance géré par le client&#xa0;: le répartiteur de charge de ce domaine accepte les CA configurées pour lui, la liste de racines de SAP ne juge donc pas cette chaîne&#xa0;; {cas}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>the chain is judged against the CAs in {file}</source>
        <translation>la chaîne est jugée par rapport aux CA de {file}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>give the CAs configured for the domain with --custom-domain-cas FILE so the chain can be judged against them</source>
        <translation>indiquez les CA configurées pour le domaine avec --custom-domain-cas FICHIER pour que la chaîne puisse être jugée par rapport à elles</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Custom domain {domain} (SAP Custom Domain service; SAP&apos;s documentation of that service has the exact steps, this tool does not confirm them): map the domain to the Cloud Integration runtime, configure TLS for it with client authentication and the trusted CA certificates of your senders (customer-managed trust; include the CA of this certificate: {issuer}), point DNS at it, then let senders call https://{domain}/http/&lt;address&gt;.</source>
        <translation>Domaine personnalisé {domain} (service SAP Custom Domain&#xa0;; la documentation SAP de ce service donne les étapes exactes, cet outil ne les confirme pas)&#xa0;: associez le domaine au runtime de Cloud Integration, configurez pour lui TLS avec authentification client et les certificats des CA de confiance de vos émetteurs (confiance gérée par le client&#xa0;; incluez la CA de ce certificat&#xa0;: {issuer}), faites pointer le DNS dessus, puis laissez les émetteurs appeler https://{domain}/http/&lt;address&gt;.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Trial tenants do not support certificate login at all; use a paid tenant.</source>
        <translation>Les tenants d&apos;essai ne prennent pas du tout en charge la connexion par certificat&#xa0;; utilisez un tenant payant.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Do not add the deprecated grant type client_x509 to the instance: it blocks creating new service keys. Keep grant-types at client_credentials.</source>
        <translation>N&apos;ajoutez pas à l&apos;instance le type d&apos;octroi obsolète client_x509&#xa0;: il empêche de créer de nouvelles clés de service. Laissez grant-types à client_credentials.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The certificate is valid only from {date}; calls with it fail until then.</source>
        <translation>Le certificat n&apos;est valide qu&apos;à partir du {date}&#xa0;; les appels qui l&apos;utilisent échouent jusque-là.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The certificate expires on {date} ({days} days left); plan its renewal now: {renewal_how}</source>
        <translation>Le certificat expire le {date} ({days} jours restants)&#xa0;; planifiez dès maintenant son renouvellement&#xa0;: {renewal_how}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>on Neo that means a new mapping entry.</source>
        <translation>sur Neo, cela signifie une nouvelle entrée de mappage.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>on Cloud Foundry that means a new service key.</source>
        <translation>sur Cloud Foundry, cela signifie une nouvelle clé de service.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This certificate replaces an earlier one. The tenant matches the whole certificate, so the old mapping entry does not cover it: add the new entry (this run&apos;s files) for user {user}, and delete the old entry once the sender uses the new certificate.
  old SHA-256: {old}
  new SHA-256: {new}</source>
        <translation>Ce certificat en remplace un précédent. Le tenant compare le certificat entier&#xa0;: l&apos;ancienne entrée de mappage ne le couvre donc pas. Ajoutez la nouvelle entrée (fichiers de cette exécution) pour l&apos;utilisateur {user}, puis supprimez l&apos;ancienne dès que l&apos;émetteur utilise le nouveau certificat.
  ancien SHA-256 &#xa0;: {old}
  nouveau SHA-256&#xa0;: {new}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>This certificate replaces an earlier one. With pinning on (the default) the old service key does not accept it: create the new key (this run&apos;s service-key.json), switch the sender, then delete the old key.
  old SHA-256: {old}
  new SHA-256: {new}</source>
        <translation>Ce certificat en remplace un précédent. Avec Pin Certificate activé (par défaut), l&apos;ancienne clé de service ne l&apos;accepte pas&#xa0;: créez la nouvelle clé (service-key.json de cette exécution), basculez l&apos;émetteur, puis supprimez l&apos;ancienne clé.
  ancien SHA-256 &#xa0;: {old}
  nouveau SHA-256&#xa0;: {new}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Cloud Integration → Monitor → Manage Security → Certificate-to-User Mappings → Add: user {user}, certificate {cer} (or let this tool publish it with --publish). The tenant will show Id {id}.</source>
        <translation>Cloud Integration → Surveiller → Gérer la sécurité → Mappages certificat-utilisateur → Ajouter&#xa0;: utilisateur {user}, certificat {cer} (ou laissez cet outil le publier avec --publish). Le tenant affichera l&apos;Id {id}.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Create the custom role {role}: SAP BTP cockpit → your Neo subaccount → Applications → Subscriptions → the application ending in &apos;iflmap&apos; → Roles → New Role.</source>
        <translation>Créez le rôle personnalisé {role}&#xa0;: cockpit SAP BTP → votre sous-compte Neo → Applications → Abonnements → l&apos;application se terminant par «&#xa0;iflmap&#xa0;» → Rôles → Nouveau rôle.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Give user {user} the role {role}: SAP BTP cockpit → your Neo subaccount → Security → Authorizations → User {user} → Show Assignments → Assign → the application ending in &apos;iflmap&apos; → role {role}.</source>
        <translation>Attribuez le rôle {role} à l&apos;utilisateur {user}&#xa0;: cockpit SAP BTP → votre sous-compte Neo → Sécurité → Autorisations → Utilisateur {user} → Afficher les affectations → Affecter → l&apos;application se terminant par «&#xa0;iflmap&#xa0;» → rôle {role}.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Log in to the Cloud Foundry space of the subaccount that holds Cloud Integration: cf login -a &lt;API endpoint from the subaccount overview&gt;, then cf target -o &lt;org&gt; -s &lt;space&gt;.</source>
        <translation>Connectez-vous à l&apos;espace Cloud Foundry du sous-compte qui héberge Cloud Integration&#xa0;: cf login -a &lt;point de terminaison API de l&apos;aperçu du sous-compte&gt;, puis cf target -o &lt;org&gt; -s &lt;espace&gt;.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Create the Process Integration Runtime instance {instance} (plan integration-flow) with the roles {roles} from {file}. Skip this if an instance with these roles exists already; then pass its name with --instance. In the cockpit: Instances and Subscriptions → Create.</source>
        <translation>Créez l&apos;instance Process Integration Runtime {instance} (plan integration-flow) avec les rôles {roles} à partir de {file}. Ignorez cette étape si une instance avec ces rôles existe déjà&#xa0;; indiquez alors son nom avec --instance. Dans le cockpit&#xa0;: Instances et abonnements → Créer.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Create the service key {key} with the certificate from {file} (key type External Certificate; in the cockpit: the instance → Create Service Key → upload {pem}, the leaf only, never the chain).</source>
        <translation>Créez la clé de service {key} avec le certificat de {file} (type de clé External Certificate&#xa0;; dans le cockpit&#xa0;: l&apos;instance → Créer une clé de service → chargez {pem}, le certificat feuille seul, jamais la chaîne).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>In the integration flow&apos;s sender channel: Authorization = User Role, user role {roles}; deploy the flow.</source>
        <translation>Dans le canal émetteur du flux d&apos;intégration&#xa0;: Autorisation = Rôle utilisateur, rôle utilisateur {roles}&#xa0;; déployez le flux.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Call the endpoint: cpi-cert-wizard test-call --profile {profile}. In Monitor → System Log Files → http_access_&lt;node&gt;_&lt;date&gt;.log the user field shows {before} while the certificate reaches the tenant but is not yet mapped, {after} once it works, and &apos;-&apos; when no certificate arrived at all (send the whole chain).</source>
        <translation>Appelez le point de terminaison&#xa0;: cpi-cert-wizard test-call --profile {profile}. Dans Surveiller → Fichiers journaux système → http_access_&lt;node&gt;_&lt;date&gt;.log, le champ utilisateur affiche {before} tant que le certificat atteint le tenant sans y être mappé, {after} une fois que tout fonctionne, et «&#xa0;-&#xa0;» quand aucun certificat n&apos;est arrivé (envoyez toute la chaîne).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the service key&apos;s clientid (see: cf service-key {instance} {key})</source>
        <translation>le clientid de la clé de service (voir&#xa0;: cf service-key {instance} {key})</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Second option, not recommended by SAP: the certificate is part of the integration flow, so every certificate change (each renewal, a new issuing CA) means editing the flow and redeploying it, and calls with the new certificate fail until then (downtime). The recommended option is {recommended}: cpi-cert-wizard mapping --profile {profile}</source>
        <translation>Seconde option, déconseillée par SAP&#xa0;: le certificat fait partie du flux d&apos;intégration&#xa0;; chaque changement de certificat (chaque renouvellement, une nouvelle AC émettrice) impose de modifier et de redéployer le flux, et les appels avec le nouveau certificat échouent jusque-là (interruption de service). L&apos;option recommandée est {recommended}&#xa0;: cpi-cert-wizard mapping --profile {profile}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>With this option the tenant checks only the certificate&apos;s subject and issuer DN (SAP: &quot;Tenant checks the permissions of the sender by evaluating the certificate&apos;s subject/issuer distinguished name (DN)&quot;): any certificate the same CA issues with the same subject passes, not only this one.</source>
        <translation>Avec cette option, le tenant ne vérifie que le DN du sujet et le DN de l&apos;émetteur du certificat (SAP&#xa0;: « Tenant checks the permissions of the sender by evaluating the certificate&apos;s subject/issuer distinguished name (DN) »)&#xa0;: tout certificat que la même CA émet avec le même sujet passe, pas seulement celui-ci.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>a Certificate-to-User Mapping</source>
        <translation>un mappage certificat-utilisateur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a service key holding the certificate</source>
        <translation>une clé de service contenant le certificat</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>To renew without refusing calls: add the new certificate to the channel next to the old one and redeploy, switch the sender to the new certificate, then remove the old one and redeploy again.</source>
        <translation>Pour renouveler sans refuser d&apos;appels&#xa0;: ajoutez le nouveau certificat au canal à côté de l&apos;ancien et redéployez, basculez l&apos;émetteur sur le nouveau certificat, puis retirez l&apos;ancien et redéployez à nouveau.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The {which} DN holds attribute types ({names}) that not every program knows by these names; if the channel does not take the typed DN, upload {crt} instead.</source>
        <translation>Le DN {which} contient des types d&apos;attribut ({names}) que tous les programmes ne connaissent pas sous ces noms&#xa0;; si le canal n&apos;accepte pas le DN saisi, chargez plutôt {crt}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cloud Foundry: SAP documents certificate login through a service key of the Process Integration Runtime; whether a call also needs one when the channel checks the certificate itself is not confirmed. If the test call gets 401, create the External Certificate service key as well: cpi-cert-wizard mapping --profile {profile} --env cf</source>
        <translation>Cloud Foundry&#xa0;: SAP documente la connexion par certificat via une clé de service du Process Integration Runtime&#xa0;; il n&apos;est pas confirmé qu&apos;un appel en ait aussi besoin lorsque le canal vérifie lui-même le certificat. Si l&apos;appel de test renvoie 401, créez aussi la clé de service External Certificate&#xa0;: cpi-cert-wizard mapping --profile {profile} --env cf</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>here that means the new certificate in the flow and a redeploy.</source>
        <translation>ici, cela signifie le nouveau certificat dans le flux et un redéploiement.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This certificate replaces an earlier one. The channel accepts only the certificates in its list: add this one ({crt}) next to the old one, redeploy, switch the sender, then remove the old one and redeploy again.
  old SHA-256: {old}
  new SHA-256: {new}</source>
        <translation>Ce certificat en remplace un précédent. Le canal n&apos;accepte que les certificats de sa liste&#xa0;: ajoutez celui-ci ({crt}) à côté de l&apos;ancien, redéployez, basculez l&apos;émetteur, puis retirez l&apos;ancien et redéployez à nouveau.
  ancien SHA-256 &#xa0;: {old}
  nouveau SHA-256&#xa0;: {new}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Open the integration flow (Design), select the sender channel (HTTPS, SOAP, IDoc, AS2 …) → Connection → Authorization = Client Certificate → Add → Select {crt}; or, in the same dialog, type the Subject DN and Issuer DN exactly as printed.</source>
        <translation>Ouvrez le flux d&apos;intégration (Concevoir), sélectionnez le canal émetteur (HTTPS, SOAP, IDoc, AS2 …) → Connexion → Autorisation = Certificat client → Ajouter → Sélectionner {crt}&#xa0;; ou, dans la même boîte de dialogue, saisissez le DN du sujet et le DN de l&apos;émetteur exactement tels qu&apos;affichés.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Save and deploy the integration flow; the channel knows the certificate only once the flow runs again.</source>
        <translation>Enregistrez et déployez le flux d&apos;intégration&#xa0;; le canal ne connaît le certificat qu&apos;une fois le flux relancé.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Call the endpoint: cpi-cert-wizard test-call --profile {profile}. A 403 whose default trace (ljs_trace_&lt;node&gt;_&lt;date&gt;.log) says the subject and issuer are not contained in the accepted subjectAndIssuers list means the channel&apos;s list lacks this certificate: compare the DNs (cpi-cert-wizard analyze-log reads the trace).</source>
        <translation>Appelez le point de terminaison&#xa0;: cpi-cert-wizard test-call --profile {profile}. Un 403 dont la trace par défaut (ljs_trace_&lt;node&gt;_&lt;date&gt;.log) indique que le sujet et l&apos;émetteur ne figurent pas dans la liste subjectAndIssuers acceptée signifie que ce certificat manque dans la liste du canal&#xa0;: comparez les DN (cpi-cert-wizard analyze-log lit la trace).</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Cloud Integration → Monitor → Manage Security → Certificate-to-User Mappings → Add: user {user}, certificate {cer} (or let the wizard publish it on this page). The tenant will show Id {id}.</source>
        <translation>Cloud Integration → Monitor → Manage Security → Certificate-to-User Mappings → Add&#xa0;: utilisateur {user}, certificat {cer} (ou laissez l&apos;assistant publier le mappage certificat-utilisateur sur cette page). Le tenant affichera l&apos;Id {id}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Create the Process Integration Runtime instance {instance} (plan integration-flow) with the roles {roles} from {file}. Skip this if an instance with these roles exists already and give its name on this page. In the cockpit: Instances and Subscriptions → Create.</source>
        <translation>Créez l&apos;instance Process Integration Runtime {instance} (plan integration-flow) avec les rôles {roles} de {file}. Sautez cette étape si une instance avec ces rôles existe déjà et indiquez son nom sur cette page. Dans le cockpit&#xa0;: Instances and Subscriptions → Create.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Call the endpoint on the next page (Test call). In Monitor → System Log Files → http_access_&lt;node&gt;_&lt;date&gt;.log the user field shows {before} while the certificate reaches the tenant but is not yet mapped, {after} once it works, and &apos;-&apos; when no certificate arrived at all (send the whole chain).</source>
        <translation>Appelez le point de terminaison à la page suivante (Appel de test). Dans Monitor → System Log Files → http_access_&lt;node&gt;_&lt;date&gt;.log, le champ utilisateur indique {before} tant que le certificat atteint le tenant sans être mappé, {after} une fois que cela fonctionne, et «&#xa0;-&#xa0;» quand aucun certificat n&apos;est arrivé (envoyez toute la chaîne).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Call the endpoint on the next page (Test call). A 403 whose default trace (ljs_trace_&lt;node&gt;_&lt;date&gt;.log) says the subject and issuer are not contained in the accepted subjectAndIssuers list means the channel&apos;s list lacks this certificate: compare the DNs.</source>
        <translation>Appelez le point de terminaison à la page suivante (Appel de test). Un 403 dont la trace par défaut (ljs_trace_&lt;node&gt;_&lt;date&gt;.log) indique que le sujet et l&apos;émetteur ne figurent pas dans la liste subjectAndIssuers acceptée signifie que la liste du canal émetteur ne contient pas ce certificat&#xa0;: comparez les DN.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Second option, not recommended by SAP: the certificate is part of the integration flow, so every certificate change (each renewal, a new issuing CA) means editing the flow and redeploying it, and calls with the new certificate fail until then (downtime). The recommended option is {recommended}, on this page.</source>
        <translation>Deuxième option, non recommandée par SAP&#xa0;: le certificat fait partie du flux d&apos;intégration, donc chaque changement de certificat (chaque renouvellement, une nouvelle AC émettrice) impose de modifier le flux et de le redéployer, et les appels avec le nouveau certificat échouent jusque-là (interruption). L&apos;option recommandée est {recommended}, sur cette page.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cloud Foundry: SAP documents certificate login through a service key of the Process Integration Runtime; whether a call also needs one when the channel checks the certificate itself is not confirmed. If the test call gets 401, create the External Certificate service key as well (the Cloud Foundry choice on this page).</source>
        <translation>Cloud Foundry&#xa0;: SAP documente la connexion par certificat via une clé de service du Process Integration Runtime&#xa0;; il n&apos;est pas confirmé qu&apos;un appel en ait aussi besoin quand le canal vérifie lui-même le certificat. Si l&apos;appel de test reçoit 401, créez aussi la clé de service External Certificate (le choix Cloud Foundry sur cette page).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Profile {profile!r} does not record whether the tenant runs on Neo or Cloud Foundry: choose the environment on the first step.</source>
        <translation>Le profil {profile!r} n&apos;indique pas si le tenant fonctionne sur Neo ou Cloud Foundry&#xa0;: choisissez l&apos;environnement à la première étape.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Profile {profile!r} has no certificate yet (state {state}). Import the CA&apos;s reply first on the step &apos;Signed certificate&apos;.</source>
        <translation>Le profil {profile!r} n&apos;a pas encore de certificat (état {state}). Importez d&apos;abord la réponse de l&apos;AC à l&apos;étape «&#xa0;Certificat signé&#xa0;».</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Profile {profile!r} is marked {state} but its certificate file {file} is missing. Import the CA&apos;s reply again on the step &apos;Signed certificate&apos;.</source>
        <translation>Le profil {profile!r} est marqué {state} mais son fichier de certificat {file} est absent. Importez de nouveau la réponse de l&apos;AC à l&apos;étape «&#xa0;Certificat signé&#xa0;».</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{file} of profile {profile!r} holds no readable PEM certificate ({reason}). Import the CA&apos;s reply again on the step &apos;Signed certificate&apos;.</source>
        <translation>{file} du profil {profile!r} ne contient aucun certificat PEM lisible ({reason}). Importez de nouveau la réponse de l&apos;AC à l&apos;étape «&#xa0;Certificat signé&#xa0;».</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{file} of profile {profile!r} starts with certificate SHA-256 {found}, but the profile records {recorded}. Import the CA&apos;s reply again on the step &apos;Signed certificate&apos; so both agree.</source>
        <translation>{file} du profil {profile!r} commence par le certificat SHA-256 {found}, mais le profil enregistre {recorded}. Importez de nouveau la réponse de l&apos;AC à l&apos;étape «&#xa0;Certificat signé&#xa0;» pour qu&apos;ils concordent.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The certificate of profile {profile!r} ({subject}) expired on {date}; the tenant refuses it. Renew it first: make a new key and request on the step &apos;Key and certificate request&apos;, have the CA sign it, then import the reply.</source>
        <translation>Le certificat du profil {profile!r} ({subject}) a expiré le {date}&#xa0;; le tenant le refuse. Renouvelez-le d&apos;abord&#xa0;: créez une nouvelle clé et une nouvelle demande à l&apos;étape «&#xa0;Clé et demande de certificat&#xa0;», faites-la signer par l&apos;AC, puis importez la réponse.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The user name is empty; give the user the certificate maps to (any name, up to 150 characters).</source>
        <translation>Le nom d&apos;utilisateur est vide&#xa0;; indiquez l&apos;utilisateur auquel le certificat est associé (n&apos;importe quel nom, jusqu&apos;à 150 caractères).</translation>
    </message>
    <message>
        <location line="+224"/>
        <source>nothing (the name is empty)</source>
        <translation>rien (le nom est vide)</translation>
    </message>
    <message>
        <location line="+161"/>
        <source>The instance name</source>
        <translation>Le nom de l&apos;instance</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The key name</source>
        <translation>Le nom de la clé</translation>
    </message>
    <message>
        <location line="+170"/>
        <source>Subject</source>
        <translation>du sujet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Issuer</source>
        <translation>de l&apos;émetteur</translation>
    </message>
    <message>
        <location line="+100"/>
        <source>--out {out} is a file; give a folder.</source>
        <translation>--out {out} est un fichier&#xa0;; indiquez un dossier.</translation>
    </message>
    <message>
        <location filename="../wizard/commands/mapping.py" line="+54"/>
        <source>upload in Certificate-to-User Mappings</source>
        <translation>à charger dans Mappages certificat-utilisateur</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>body for POST /api/v1/CertificateUserMappings</source>
        <translation>corps pour POST /api/v1/CertificateUserMappings</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>parameters of cf create-service</source>
        <translation>paramètres de cf create-service</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>parameters of cf create-service-key</source>
        <translation>paramètres de cf create-service-key</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the leaf certificate, for the cockpit&apos;s upload</source>
        <translation>le certificat feuille, pour le chargement dans le cockpit</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>upload in the sender channel: Authorization = Client Certificate → Add → Select</source>
        <translation>à charger dans le canal émetteur&#xa0;: Autorisation = Certificat client → Ajouter → Sélectionner</translation>
    </message>
    <message>
        <location line="+94"/>
        <source>{flags} is for the mapping or service key; with --flow-certificate the integration flow itself checks the certificate (no user, no role). Drop it, or drop --flow-certificate.</source>
        <translation>{flags} concerne le mappage ou la clé de service&#xa0;; avec --flow-certificate, c&apos;est le flux d&apos;intégration lui-même qui vérifie le certificat (pas d&apos;utilisateur, pas de rôle). Supprimez cette option, ou supprimez --flow-certificate.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{flags} are for the mapping or service key; with --flow-certificate the integration flow itself checks the certificate (no user, no role). Drop them, or drop --flow-certificate.</source>
        <translation>{flags} concernent le mappage ou la clé de service&#xa0;; avec --flow-certificate, c&apos;est le flux d&apos;intégration lui-même qui vérifie le certificat (pas d&apos;utilisateur, pas de rôle). Supprimez ces options, ou supprimez --flow-certificate.</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>{flags} is for Cloud Foundry service keys; drop it for Neo.</source>
        <translation>{flags} concerne les clés de service Cloud Foundry&#xa0;; supprimez cette option pour Neo.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>--user is for Neo mappings; on Cloud Foundry the service key&apos;s clientid is the user.</source>
        <translation>--user concerne les mappages Neo&#xa0;; sur Cloud Foundry, l&apos;utilisateur est le clientid de la clé de service.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>{flags} only work with --publish.</source>
        <translation>{flags} ne fonctionnent qu&apos;avec --publish.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>--publish is for Neo (the CertificateUserMappings API); on Cloud Foundry run the printed cf commands instead.</source>
        <translation>--publish concerne Neo (l&apos;API CertificateUserMappings)&#xa0;; sur Cloud Foundry, exécutez plutôt les commandes cf affichées.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>--publish needs --tmn https://&lt;account&gt;-tmn.hci.&lt;region&gt;.hana.ondemand.com.</source>
        <translation>--publish nécessite --tmn https://&lt;account&gt;-tmn.hci.&lt;region&gt;.hana.ondemand.com.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>--publish needs exactly one of --tmn-user USER (basic authentication) or --tmn-client-id ID with --tmn-token-url URL (OAuth client credentials).</source>
        <translation>--publish nécessite exactement l&apos;une de ces options&#xa0;: --tmn-user UTILISATEUR (authentification de base) ou --tmn-client-id ID avec --tmn-token-url URL (identifiants client OAuth).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>--tmn-client-id needs --tmn-token-url (the subaccount&apos;s OAuth token endpoint, …/oauth2/api/v1/token).</source>
        <translation>--tmn-client-id nécessite --tmn-token-url (le point de terminaison de jeton OAuth du sous-compte, …/oauth2/api/v1/token).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>--tmn-token-url only works with --tmn-client-id.</source>
        <translation>--tmn-token-url ne fonctionne qu&apos;avec --tmn-client-id.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>{message} The stored secret was removed from the keyring; run again to enter the right one.</source>
        <translation>{message} Le secret enregistré a été supprimé du trousseau de clés&#xa0;; relancez la commande pour saisir le bon.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>secret from the keyring ({keyring})</source>
        <translation>secret issu du trousseau de clés ({keyring})</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>secret from {variable} (not stored)</source>
        <translation>secret issu de {variable} (non enregistré)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>secret stored in {place}</source>
        <translation>secret enregistré dans {place}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>secret not stored (no keyring); you will be asked again</source>
        <translation>secret non enregistré (pas de trousseau de clés)&#xa0;; il vous sera redemandé</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>--custom-domain-cas needs --custom-domain HOST.</source>
        <translation>--custom-domain-cas nécessite --custom-domain HOST.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>the trusted CAs of the custom domain</source>
        <translation>les CA de confiance du domaine personnalisé</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>Publishing the mapping for {user!r} to {tmn} …</source>
        <translation>Publication du mappage pour {user!r} sur {tmn}…</translation>
    </message>
    <message>
        <location line="+87"/>
        <source>Certificate: {subject}</source>
        <translation>Certificat&#xa0;: {subject}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  issued by {issuer}, valid until {until} UTC</source>
        <translation>  émis par {issuer}, valide jusqu&apos;au {until} UTC</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>  (also kept in the profile folder {folder})</source>
        <translation>  (également conservé dans le dossier du profil {folder})</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Renewal:</source>
        <translation>Renouvellement&#xa0;:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Mind:</source>
        <translation>Attention&#xa0;:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Checklist:</source>
        <translation>Liste de contrôle&#xa0;:</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Tenant entry for profile {profile} ({environment})</source>
        <translation>Entrée du tenant pour le profil {profile} ({environment})</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>User: {user}    Roles: {roles}</source>
        <translation>Utilisateur&#xa0;: {user}    Rôles&#xa0;: {roles}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Mapping Id the tenant assigns: {id}</source>
        <translation>Id de mappage attribué par le tenant&#xa0;: {id}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Service instance: {instance}    Roles: {roles}</source>
        <translation>Instance de service&#xa0;: {instance}    Rôles&#xa0;: {roles}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Service key: {key} (External Certificate)</source>
        <translation>Clé de service&#xa0;: {key} (External Certificate)</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+118"/>
        <source>Files in {folder}:</source>
        <translation>Fichiers dans {folder}&#xa0;:</translation>
    </message>
    <message>
        <location line="-110"/>
        <source>Published: Id {id}, user {user}, valid until {until} UTC ({note}).</source>
        <translation>Publié&#xa0;: Id {id}, utilisateur {user}, valide jusqu&apos;au {until} UTC ({note}).</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>  note: the tenant&apos;s Id differs from the MD5 of the certificate ({id}); check the entry in the tenant.</source>
        <translation>  remarque&#xa0;: l&apos;Id attribué par le tenant diffère du MD5 du certificat ({id})&#xa0;; vérifiez l&apos;entrée dans le tenant.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>  (run the cf commands in that folder: cd {folder})</source>
        <translation>  (exécutez les commandes cf dans ce dossier&#xa0;: cd {folder})</translation>
    </message>
    <message>
        <location line="+74"/>
        <source>Certificate in the integration flow for profile {profile} ({environment}): the second option, not recommended</source>
        <translation>Certificat dans le flux d&apos;intégration pour le profil {profile} ({environment})&#xa0;: la seconde option, déconseillée</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Or type them into the same dialog (Add → Subject DN and Issuer DN), exactly as here:</source>
        <translation>Ou saisissez-les dans la même boîte de dialogue (Ajouter → DN du sujet et DN de l&apos;émetteur), exactement comme ici&#xa0;:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>  Subject DN: {dn}</source>
        <translation>  DN du sujet&#xa0;:      {dn}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  Issuer DN:  {dn}</source>
        <translation>  DN de l&apos;émetteur&#xa0;: {dn}</translation>
    </message>
</context>
<context>
    <name>neo_api</name>
    <message>
        <location filename="../wizard/core/neo_api.py" line="-32"/>
        <source>{tmn!r} is not an https URL of the tenant&apos;s management host; give https://&lt;account&gt;-tmn.hci.&lt;region&gt;.hana.ondemand.com.</source>
        <translation>{tmn!r} n&apos;est pas une URL https de l&apos;hôte de gestion du tenant&#xa0;; indiquez https://&lt;account&gt;-tmn.hci.&lt;region&gt;.hana.ondemand.com.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{host} is the runtime (iflmap) host; the API lives on the management host https://&lt;account&gt;-tmn.hci.&lt;region&gt;.hana.ondemand.com.</source>
        <translation>{host} est l&apos;hôte d&apos;exécution (iflmap)&#xa0;; l&apos;API se trouve sur l&apos;hôte de gestion https://&lt;account&gt;-tmn.hci.&lt;region&gt;.hana.ondemand.com.</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>The token URL {url!r} must be an https URL (the OAuth token endpoint of the subaccount, …/oauth2/api/v1/token).</source>
        <translation>L&apos;URL de jeton {url!r} doit être une URL https (le point de terminaison de jeton OAuth du sous-compte, …/oauth2/api/v1/token).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The token endpoint {url} refused client {client!r} (HTTP {status}). Check the client id and its secret.</source>
        <translation>Le point de terminaison de jeton {url} a refusé le client {client!r} (HTTP {status}). Vérifiez l&apos;ID client et son secret.</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+1"/>
        <source>the token request</source>
        <translation>la demande de jeton</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{url} answered without an access_token; is it the OAuth token endpoint?</source>
        <translation>{url} a répondu sans access_token&#xa0;; s&apos;agit-il bien du point de terminaison de jeton OAuth&#xa0;?</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>another page</source>
        <translation>une autre page</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{url} answered {what} with a redirect to {target} (HTTP {status}), usually a login page: check that the URL is the tenant&apos;s tmn host and that this user may log in with a password (or use --tmn-client-id).</source>
        <translation>{url} a répondu à {what} par une redirection vers {target} (HTTP {status}), généralement une page de connexion&#xa0;: vérifiez que l&apos;URL est bien celle de l&apos;hôte tmn du tenant et que cet utilisateur peut se connecter avec un mot de passe (ou utilisez --tmn-client-id).</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{url} answered {what} with HTTP {status}: {snippet}</source>
        <translation>{url} a répondu à {what} avec HTTP {status}&#xa0;: {snippet}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{url} answered {what} with HTTP {status}.</source>
        <translation>{url} a répondu à {what} avec HTTP {status}.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The tenant {host} refused the credentials of user {name!r} (HTTP 401). Check the name and its secret.</source>
        <translation>Le tenant {host} a refusé les informations d&apos;identification de l&apos;utilisateur {name!r} (HTTP 401). Vérifiez le nom et son secret.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The tenant {host} refused the credentials of OAuth client {name!r} (HTTP 401). Check the name and its secret.</source>
        <translation>Le tenant {host} a refusé les informations d&apos;identification du client OAuth {name!r} (HTTP 401). Vérifiez le nom et son secret.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>{url} does not exist (HTTP 404). Give the Neo tenant&apos;s management host (…-tmn.hci.…); Cloud Foundry tenants have no certificate-to-user mappings.</source>
        <translation>{url} n&apos;existe pas (HTTP 404). Indiquez l&apos;hôte de gestion du tenant Neo (…-tmn.hci.…)&#xa0;; les tenants Cloud Foundry n&apos;ont pas de mappages certificat-utilisateur.</translation>
    </message>
    <message>
        <location line="+58"/>
        <source>{host} refused {name!r} access to the API (HTTP 403). Give that user the permission CertificateUserMappings.Write.</source>
        <translation>{host} a refusé à {name!r} l&apos;accès à l&apos;API (HTTP 403). Attribuez à cet utilisateur l&apos;autorisation CertificateUserMappings.Write.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>the CSRF token request</source>
        <translation>la demande de jeton CSRF</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> The answer was an HTML page, probably a login page.</source>
        <translation> La réponse était une page HTML, probablement une page de connexion.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{host} did not hand out a CSRF token (HTTP {status} to &apos;X-CSRF-Token: Fetch&apos;), so it would refuse the POST with 403.{page} Check that the URL is the tenant&apos;s tmn host and that no proxy or single sign-on page is in between.</source>
        <translation>{host} n&apos;a pas fourni de jeton CSRF (HTTP {status} en réponse à «&#xa0;X-CSRF-Token: Fetch&#xa0;»)&#xa0;: il refuserait donc le POST avec 403.{page} Vérifiez que l&apos;URL est bien celle de l&apos;hôte tmn du tenant et qu&apos;aucun proxy ni aucune page d&apos;authentification unique ne s&apos;interpose.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>{host} refused the POST because the CSRF token or the session cookie was not accepted (HTTP 403, X-CSRF-Token: Required). A proxy may be dropping cookies; try again without it.</source>
        <translation>{host} a refusé le POST, car le jeton CSRF ou le cookie de session n&apos;a pas été accepté (HTTP 403, X-CSRF-Token: Required). Un proxy supprime peut-être les cookies&#xa0;; réessayez sans lui.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{host} refused to store the mapping for {name!r} (HTTP 403). That user needs the permission CertificateUserMappings.Write.</source>
        <translation>{host} a refusé d&apos;enregistrer le mappage pour {name!r} (HTTP 403). Cet utilisateur a besoin de l&apos;autorisation CertificateUserMappings.Write.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>the mapping</source>
        <translation>l&apos;enregistrement du mappage</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+1"/>
        <source>the read-back</source>
        <translation>la relecture</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>none</source>
        <translation>aucune</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>After the POST, {host} lists no mapping with Id {id} for user {user!r} (entries found: {ids}). Check Certificate-to-User Mappings in the tenant.</source>
        <translation>Après le POST, {host} ne liste aucun mappage avec l&apos;Id {id} pour l&apos;utilisateur {user!r} (entrées trouvées&#xa0;: {ids}). Vérifiez Mappages certificat-utilisateur dans le tenant.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>{host} returned the mapping without a readable ValidUntil ({value!r}).</source>
        <translation>{host} a renvoyé le mappage sans ValidUntil lisible ({value!r}).</translation>
    </message>
</context>
<context>
    <name>p12</name>
    <message>
        <location filename="../wizard/core/p12.py" line="+23"/>
        <source>AES-256-CBC with a SHA-256 MAC (PBES2): for current Java, OpenSSL 3, SAP sapgenpse, Windows 10/Server 2019 and newer, Postman.</source>
        <translation>AES-256-CBC avec MAC SHA-256 (PBES2)&#xa0;: pour Java actuel, OpenSSL 3, SAP sapgenpse, Windows 10/Server 2019 et versions ultérieures, Postman.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>3DES with a SHA-1 MAC: only for old consumers (Windows Server 2012-2016, older macOS Keychain, Android 12 and older, old Java or SAP kernels) that otherwise report &apos;wrong password&apos; or &apos;MAC verification failed&apos;.</source>
        <translation>3DES avec MAC SHA-1&#xa0;: uniquement pour les anciens logiciels (Windows Server 2012-2016, anciennes versions du Trousseau d&apos;accès macOS, Android 12 et antérieur, anciens Java ou noyaux SAP) qui sinon signalent «&#xa0;wrong password&#xa0;» ou «&#xa0;MAC verification failed&#xa0;».</translation>
    </message>
    <message>
        <location line="+62"/>
        <source>{source} could not be opened: the password is wrong, or it is not a PKCS#12 (.p12/.pfx) file. Check the password; if the file came from a CA portal, download it again as PKCS#12.</source>
        <translation>Impossible d&apos;ouvrir {source}&#xa0;: le mot de passe est erroné, ou ce n&apos;est pas un fichier PKCS#12 (.p12/.pfx). Vérifiez le mot de passe&#xa0;; si le fichier provient d&apos;un portail d&apos;AC, téléchargez-le de nouveau au format PKCS#12.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{source} holds no private key (only certificates). Export it again including the private key, or use import-reply for certificates alone.</source>
        <translation>{source} ne contient aucune clé privée (uniquement des certificats). Exportez-le de nouveau en incluant la clé privée, ou utilisez import-reply pour des certificats seuls.</translation>
    </message>
</context>
<context>
    <name>prechecks</name>
    <message>
        <location filename="../wizard/core/prechecks.py" line="-160"/>
        <source>pre-check {name}: {mark}: {detail}</source>
        <translation>vérification préalable {name}&#xa0;: {mark}&#xa0;: {detail}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>chain complete</source>
        <translation>chaîne complète</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>valid now</source>
        <translation>valide maintenant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>clientAuth</source>
        <translation>clientAuth</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>chain valid</source>
        <translation>chaîne valide</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>root accepted</source>
        <translation>racine acceptée</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>ok</source>
        <translation>ok</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PROBLEM</source>
        <translation>PROBLÈME</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unknown</source>
        <translation>inconnu</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>the certificate {subject} is self-signed; load balancers never accept a self-signed client certificate</source>
        <translation>le certificat {subject} est auto-signé&#xa0;; les répartiteurs de charge n&apos;acceptent jamais un certificat client auto-signé</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>we send {sent}, which reaches the root {root}</source>
        <translation>nous envoyons {sent}, qui mène à la racine {root}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>we send {sent}, but not the certificate of its issuer {missing}: the load balancer, which knows only roots, cannot build the chain</source>
        <translation>nous envoyons {sent}, mais pas le certificat de son émetteur {missing}&#xa0;: le répartiteur de charge, qui ne connaît que les racines, ne peut pas construire la chaîne</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{subject} is valid from {start} to {end}</source>
        <translation>{subject} est valide du {start} au {end}</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>the leaf is valid until {end}</source>
        <translation>la feuille est valide jusqu&apos;au {end}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>clientAuth is in Extended Key Usage</source>
        <translation>clientAuth figure dans l&apos;Extended Key Usage</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>{name} is among {accepted}</source>
        <translation>{name} figure parmi {accepted}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the chain ends at {top}, which is not among {accepted} ({listed})</source>
        <translation>la chaîne se termine à {top}, qui ne figure pas parmi {accepted} ({listed})</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the chain&apos;s root is not known, so it cannot be judged</source>
        <translation>la racine de la chaîne n&apos;est pas connue, elle ne peut donc pas être jugée</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{name} is on {version}</source>
        <translation>{name} figure sur {version}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{name} has expired and is no longer on {version}</source>
        <translation>{name} a expiré et ne figure plus sur {version}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{name} is not among {version}</source>
        <translation>{name} ne figure pas parmi {version}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>not confirmed: {name} was removed from {version}; SAP&apos;s Neo page of trusted root CAs (April 2026) still lists some removed roots, and SAP Note 2801396 is the authoritative list</source>
        <translation>non confirmé&#xa0;: {name} a été retiré de {version}&#xa0;; la page Neo de SAP des AC racines de confiance (avril 2026) liste encore certaines racines retirées, et la note SAP 2801396 est la liste qui fait foi</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>not confirmed: {name} is not on {version}, the list this judgement used (one source; SAP Note 2801396 is the authoritative list; add roots with --sap-roots)</source>
        <translation>non confirmé&#xa0;: {name} ne figure pas sur {version}, la liste utilisée pour ce jugement (une seule source&#xa0;; la note SAP 2801396 est la liste qui fait foi&#xa0;; ajoutez des racines avec --sap-roots)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>not confirmed: {name} is not on {version}, the list this judgement used (one source; SAP Note 2801396 is the authoritative list)</source>
        <translation>non confirmé&#xa0;: {name} ne figure pas sur {version}, la liste utilisée pour ce jugement (une seule source&#xa0;; la note SAP 2801396 est la liste qui fait foi)</translation>
    </message>
</context>
<context>
    <name>profiles</name>
    <message>
        <location filename="../wizard/commands/profiles.py" line="+44"/>
        <source>No profiles yet in {folder}.
Start with: cpi-cert-wizard csr --profile NAME --cn COMMON-NAME</source>
        <translation>Aucun profil pour l&apos;instant dans {folder}.
Pour commencer&#xa0;: cpi-cert-wizard csr --profile NOM --cn NOM-COMMUN</translation>
    </message>
    <message>
        <location line="+13"/>
        <source> (renew)</source>
        <translation> (renouvellement)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Secrets are kept in: {where}</source>
        <translation>Secrets conservés dans&#xa0;: {where}</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Remove profile {name!r}, its key and its keyring entries? [y/N] </source>
        <translation>Supprimer le profil {name!r}, sa clé et ses entrées du trousseau&#xa0;? [o/N] </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>y</source>
        <translation>o</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing removed.</source>
        <translation>Rien n&apos;a été supprimé.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Removed profile {name}.</source>
        <translation>Profil {name} supprimé.</translation>
    </message>
    <message>
        <location filename="../wizard/core/profiles.py" line="+198"/>
        <source>{file} was written by a newer cpi-cert-wizard (schema {version}); update the program to open it.</source>
        <translation>{file} a été écrit par une version plus récente de cpi-cert-wizard (schéma {version})&#xa0;; mettez le programme à jour pour l&apos;ouvrir.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>{file} is not a valid profile ({problem}). {hint}</source>
        <translation>{file} n&apos;est pas un profil valide ({problem}). {hint}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{file} names profile {name!r} but lives in folder {folder!r}; rename the folder back.</source>
        <translation>{file} nomme le profil {name!r} mais se trouve dans le dossier {folder!r}&#xa0;; redonnez au dossier son ancien nom.</translation>
    </message>
    <message>
        <location line="+84"/>
        <source>The profile as it was before its last change is kept in {backup}: copy it over {file} to restore it, or remove the profile.</source>
        <translation>Le profil tel qu&apos;il était avant sa dernière modification est conservé dans {backup}&#xa0;: copiez-le sur {file} pour le restaurer, ou supprimez le profil.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Restore it from a backup, or remove the profile (its folder) and create it again.</source>
        <translation>Restaurez-le à partir d&apos;une sauvegarde, ou supprimez le profil (son dossier) et recréez-le.</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>{name} is not a usable profile name: use 1 to 64 letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;, starting with a letter or digit (for example ERP-PRD or s4_qas).</source>
        <translation>{name} n&apos;est pas un nom de profil utilisable&#xa0;: utilisez 1 à 64 lettres, chiffres, &apos;.&apos;, &apos;_&apos; ou &apos;-&apos;, en commençant par une lettre ou un chiffre (par exemple ERP-PRD ou s4_qas).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{name} is not a usable profile name: Windows drops a dot at the end of a folder name, so the profile could not be found there. Leave out the final dot.</source>
        <translation>{name} n&apos;est pas un nom de profil utilisable&#xa0;: Windows supprime le point final d&apos;un nom de dossier, le profil y serait donc introuvable. Retirez le point final.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{name} is not a usable profile name: Windows reserves {device} for a device, with any extension, so no folder can have that name there. Pick another name (for example {device}-1 or {device}_PRD).</source>
        <translation>{name} n&apos;est pas un nom de profil utilisable&#xa0;: Windows réserve {device} à un périphérique, quelle que soit l&apos;extension, aucun dossier ne peut donc y porter ce nom. Choisissez un autre nom (par exemple {device}-1 ou {device}_PRD).</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>{name} differs from the existing profile {other} only in upper and lower case; Windows and macOS would see one folder. Use {other}, or pick a name that differs in more than case.</source>
        <translation>{name} ne diffère du profil existant {other} que par les majuscules et minuscules&#xa0;; Windows et macOS n&apos;y verraient qu&apos;un seul dossier. Utilisez {other}, ou choisissez un nom qui diffère par autre chose que la casse.</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Profile {name!r}</source>
        <translation>Le profil {name!r}</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>A profile named {name!r} exists already; pick another name.</source>
        <translation>Un profil nommé {name!r} existe déjà&#xa0;; choisissez un autre nom.</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>There is no profile named {name!r}; there is {other!r}, which differs only in upper and lower case. Use --profile {other}.</source>
        <translation>Il n&apos;existe aucun profil nommé {name!r}&#xa0;; il existe {other!r}, qui n&apos;en diffère que par les majuscules et minuscules. Utilisez --profile {other}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>none yet</source>
        <translation>aucun pour l&apos;instant</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>There is no profile named {name!r} in {folder} (profiles: {known}). Create it with &apos;cpi-cert-wizard csr --profile NAME …&apos;.</source>
        <translation>Il n&apos;existe aucun profil nommé {name!r} dans {folder} (profils&#xa0;: {known}). Créez-le avec cpi-cert-wizard csr --profile NOM …</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{file} cannot be read ({reason}). {restore}</source>
        <translation>{file} est illisible ({reason}). {restore}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{file} is not a profile. {restore}</source>
        <translation>{file} n&apos;est pas un profil. {restore}</translation>
    </message>
    <message>
        <location line="+81"/>
        <source>A profile named {name!r} was created by another process meanwhile; nothing was saved. Run the step again to work on it.</source>
        <translation>Un profil nommé {name!r} a été créé entre-temps par un autre processus&#xa0;; rien n&apos;a été enregistré. Relancez l&apos;étape pour travailler dessus.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Profile {name!r} was changed by another step (another window or command) since it was read here; nothing was saved, so that step&apos;s work is kept. Run this step again.</source>
        <translation>Le profil {name!r} a été modifié par une autre étape (une autre fenêtre ou commande) depuis sa lecture ici&#xa0;; rien n&apos;a été enregistré, le travail de cette autre étape est donc conservé. Relancez cette étape.</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>There is no profile named {name!r}.</source>
        <translation>Il n&apos;y a pas de profil nommé {name!r}.</translation>
    </message>
</context>
<context>
    <name>render</name>
    <message>
        <location filename="../wizard/commands/fetch_root.py" line="-37"/>
        <location filename="../wizard/commands/render.py" line="-117"/>
        <source>leaf</source>
        <translation>feuille</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../wizard/commands/render.py" line="+2"/>
        <source>root</source>
        <translation>racine</translation>
    </message>
    <message>
        <location line="-1"/>
        <location filename="../wizard/commands/render.py" line="+2"/>
        <source>intermediate</source>
        <translation>intermédiaire</translation>
    </message>
    <message>
        <location line="+8"/>
        <location filename="../wizard/commands/render.py" line="+1"/>
        <source>issued by {issuer}; valid until {date}</source>
        <translation>émis par {issuer}&#xa0;; valide jusqu&apos;au {date}</translation>
    </message>
    <message>
        <location filename="../wizard/commands/render.py" line="+15"/>
        <source>error</source>
        <translation>erreur</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>warning</source>
        <translation>avertissement</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Imported the certificate into profile {profile}:</source>
        <translation>Certificat importé dans le profil {profile}&#xa0;:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Judged against {version}.</source>
        <translation>Vérifié par rapport à {version}.</translation>
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
        <translation>une clé privée</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>an encrypted private key</source>
        <translation>une clé privée chiffrée</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>an SSH private key</source>
        <translation>une clé privée SSH</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>a certificate signing request (CSR)</source>
        <translation>une demande de signature de certificat (CSR)</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>a public key</source>
        <translation>une clé publique</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a certificate revocation list (CRL)</source>
        <translation>une liste de révocation de certificats (CRL)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a PGP key</source>
        <translation>une clé PGP</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a PGP message</source>
        <translation>un message PGP</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>here we need the certificate the CA returned for your CSR (.cer, .crt, .pem or .p7b)</source>
        <translation>il faut ici le certificat que l&apos;AC a renvoyé pour votre CSR (.cer, .crt, .pem ou .p7b)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>here we need CA certificates (intermediates or roots: .pem, .cer, .crt or .p7b) that complete the chain</source>
        <translation>il faut ici des certificats d&apos;autorité (intermédiaires ou racines&#xa0;: .pem, .cer, .crt ou .p7b) qui complètent la chaîne</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>here we need the root certificate(s) that the tenant&apos;s server certificate must lead to (.pem, .cer, .crt or .p7b)</source>
        <translation>il faut ici le ou les certificats racines auxquels le certificat serveur du tenant doit mener (.pem, .cer, .crt ou .p7b)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>here we need SAP&apos;s list of trusted roots: the JSON shipped in resources/ or a PEM bundle of root certificates</source>
        <translation>il faut ici la liste des racines de confiance de SAP&#xa0;: le JSON fourni dans resources/ ou un lot PEM de certificats racines</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>{source} is empty — {need}.</source>
        <translation>{source} est vide — {need}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{source} is empty. Download the certificate the CA returned for your CSR again.</source>
        <translation>{source} est vide. Téléchargez de nouveau le certificat que l&apos;AC a renvoyé pour votre CSR.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{source} holds a damaged certificate ({reason}). The file was probably changed while copying; download it again from the CA.</source>
        <translation>{source} contient un certificat endommagé ({reason}). Le fichier a probablement été modifié lors de la copie&#xa0;; téléchargez-le de nouveau auprès de l&apos;AC.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>a certificate file</source>
        <translation>un fichier de certificat</translation>
    </message>
    <message>
        <location line="+98"/>
        <source>{source}: certificate block {number} is damaged ({reason}). The file was probably changed or cut while copying; download it again from the CA or copy the whole block including the BEGIN/END lines.</source>
        <translation>{source}&#xa0;: le bloc de certificat {number} est endommagé ({reason}). Le fichier a probablement été modifié ou tronqué lors de la copie&#xa0;; téléchargez-le de nouveau auprès de l&apos;AC ou copiez le bloc entier, lignes BEGIN/END comprises.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{source}: the PKCS#7 block {number} is damaged ({reason}). Download the .p7b again from the CA.</source>
        <translation>{source}&#xa0;: le bloc PKCS#7 {number} est endommagé ({reason}). Téléchargez de nouveau le .p7b auprès de l&apos;AC.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{source} holds more than {limit} PEM blocks; a CA reply holds a few certificates. Check that you picked the right file.</source>
        <translation>{source} contient plus de {limit} blocs PEM&#xa0;; une réponse d&apos;autorité de certification contient quelques certificats. Vérifiez que vous avez choisi le bon fichier.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{source} is cut off: a &apos;-----BEGIN …-----&apos; line has no matching &apos;-----END …-----&apos; line. Copy or download the whole file again.</source>
        <translation>{source} est tronqué&#xa0;: une ligne «&#xa0;-----BEGIN …-----&#xa0;» n&apos;a pas de ligne «&#xa0;-----END …-----&#xa0;» correspondante. Copiez ou téléchargez de nouveau le fichier entier.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>{source} holds {what}, not a certificate — {need}.</source>
        <translation>{source} contient {what}, pas un certificat — {need}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{source} contains no certificate — {need}.</source>
        <translation>{source} ne contient aucun certificat — {need}.</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>{source} holds a private key, not a certificate — {need}.</source>
        <translation>{source} contient une clé privée, pas un certificat — {need}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{source} holds an encrypted private key, not a certificate — {need}.</source>
        <translation>{source} contient une clé privée chiffrée, pas un certificat — {need}.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{source} holds a certificate signing request (CSR), the file you send to the CA, not the certificate it returns — {need}.</source>
        <translation>{source} contient une demande de signature de certificat (CSR), le fichier que vous envoyez à l&apos;AC, et non le certificat qu&apos;elle renvoie — {need}.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{source} looks like a PKCS#12 keystore (.p12/.pfx: key and certificates together). For a key pair you already have, use import-p12 instead; otherwise {need}.</source>
        <translation>{source} semble être un magasin de clés PKCS#12 (.p12/.pfx&#xa0;: clé et certificats ensemble). Pour une paire de clés existante, utilisez plutôt import-p12&#xa0;; sinon, {need}.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{source} is a web page, not a certificate: the download probably returned a login or error page. Download the certificate again — {need}.</source>
        <translation>{source} est une page web, pas un certificat&#xa0;: le téléchargement a sans doute renvoyé une page de connexion ou d&apos;erreur. Téléchargez de nouveau le certificat — {need}.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{source} is a JSON file, not a certificate. A Cloud Foundry service key is imported with import-service-key; otherwise {need}.</source>
        <translation>{source} est un fichier JSON, pas un certificat. Une clé de service Cloud Foundry s&apos;importe avec import-service-key&#xa0;; sinon, {need}.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{source} is a text file without a &apos;-----BEGIN CERTIFICATE-----&apos; block — {need}.</source>
        <translation>{source} est un fichier texte sans bloc «&#xa0;-----BEGIN CERTIFICATE-----&#xa0;» — {need}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{source} is neither a PEM, DER nor PKCS#7 certificate file (unreadable binary data). Check that you picked the right file — {need}.</source>
        <translation>{source} n&apos;est ni un fichier de certificat PEM, ni DER, ni PKCS#7 (données binaires illisibles). Vérifiez que vous avez choisi le bon fichier — {need}.</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>an algorithm this program cannot read</source>
        <translation>un algorithme que ce programme ne sait pas lire</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>an unknown certificate version</source>
        <translation>une version de certificat inconnue</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the text between the BEGIN and END lines is not valid base64</source>
        <translation>le texte entre les lignes BEGIN et END n&apos;est pas du base64 valide</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>an extension appears twice</source>
        <translation>une extension apparaît deux fois</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>a validity date cannot be read</source>
        <translation>une date de validité est illisible</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>its binary encoding is invalid</source>
        <translation>son encodage binaire n&apos;est pas valide</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Certificate {number} in {source} is damaged or uses an algorithm this program cannot read ({reason}). Download the CA&apos;s reply again.</source>
        <translation>Le certificat {number} de {source} est endommagé ou utilise un algorithme que ce programme ne sait pas lire ({reason}). Téléchargez de nouveau la réponse de l&apos;AC.</translation>
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
        <translation>Tenant bac à sable en cours d&apos;exécution sur {url} (Ctrl-C pour arrêter)
  faites confiance à cette racine du répartiteur de charge&#xa0;: {lb_root} (DER&#xa0;: {lb_root_cer})
  racine de l&apos;AC de démonstration (émet les certificats client)&#xa0;: {ca_root}
  point de terminaison d&apos;exemple&#xa0;: {example} (rôle {role})
  journal d&apos;accès&#xa0;: {access_log}
  essayez&#xa0;: curl --cacert {lb_root} --cert client-chain.pem --key key.pem {example}</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Sandbox stopped; its certificates, tables and logs stay in {folder}.</source>
        <translation>Bac à sable arrêté&#xa0;; ses certificats, tables et journaux restent dans {folder}.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>a certificate signing request</source>
        <translation>une demande de signature de certificat</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>PEM bundle</source>
        <translation>paquet PEM</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{count} certificates: leaf, intermediate, root</source>
        <translation>{count} certificats&#xa0;: feuille, intermédiaire, racine</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{count} certificates: leaf, intermediate</source>
        <translation>{count} certificats&#xa0;: feuille, intermédiaire</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signed by the sandbox demo CA: {subject}
  valid until {until}, extended key usage: {usages}
  reply ({format}, {contents}): {file}</source>
        <translation>Signé par l&apos;AC de démonstration du bac à sable&#xa0;: {subject}
  valide jusqu&apos;au {until}, utilisation étendue de la clé&#xa0;: {usages}
  réponse ({format}, {contents})&#xa0;: {file}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>  note: no clientAuth, so SAP (and this sandbox) will not accept it as a client.</source>
        <translation>  remarque&#xa0;: pas de clientAuth, donc SAP (et ce bac à sable) ne l&apos;accepteront pas comme certificat client.</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>a certificate</source>
        <translation>un certificat</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Mapped {subject} (issued by {issuer}) to user {user}.</source>
        <translation>{subject} (émis par {issuer}) mappé à l&apos;utilisateur {user}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>  {user} has no role yet: `sandbox grant {user} {role}`.</source>
        <translation>  {user} n&apos;a encore aucun rôle&#xa0;: `sandbox grant {user} {role}`.</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+10"/>
        <source>{user} now has: {roles}.</source>
        <translation>{user} a maintenant&#xa0;: {roles}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no roles</source>
        <translation>aucun rôle</translation>
    </message>
    <message>
        <location line="+14"/>
        <source> (fails with 500)</source>
        <translation> (échoue avec 500)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> (answers 503: runtime unavailable)</source>
        <translation> (répond 503&#xa0;: environnement d&apos;exécution indisponible)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Endpoint {path}: role {role}, at most {max_bytes} bytes{extra}.</source>
        <translation>Point de terminaison {path}&#xa0;: rôle {role}, {max_bytes} octets au maximum{extra}.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>a root certificate</source>
        <translation>un certificat racine</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The load balancer now also accepts client chains ending at {subject}.</source>
        <translation>Le répartiteur de charge accepte désormais aussi les chaînes client aboutissant à {subject}.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Sandbox folder: {folder} (node {node})</source>
        <translation>Dossier du bac à sable&#xa0;: {folder} (nœud {node})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>  load-balancer root (senders trust it): {file}</source>
        <translation>  racine du répartiteur de charge (les émetteurs lui font confiance)&#xa0;: {file}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>  demo CA root: {file}</source>
        <translation>  racine de l&apos;AC de démonstration&#xa0;: {file}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  access logs: {folder}</source>
        <translation>  journaux d&apos;accès&#xa0;: {folder}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Client roots accepted by the load balancer:</source>
        <translation>Racines client acceptées par le répartiteur de charge&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificate-to-user mappings:</source>
        <translation>Mappages certificat-utilisateur&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{user} &lt;- {subject} (serial {serial})</source>
        <translation>{user} &lt;- {subject} (numéro de série {serial})</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Roles:</source>
        <translation>Rôles&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Endpoints:</source>
        <translation>Points de terminaison&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{path}: role {role}, max {max_bytes} bytes</source>
        <translation>{path}&#xa0;: rôle {role}, {max_bytes} octets max.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>, fails (500)</source>
        <translation>, échoue (500)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>, unavailable (503)</source>
        <translation>, indisponible (503)</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>  (none)</source>
        <translation>  (aucun)</translation>
    </message>
</context>
<context>
    <name>sap_sign</name>
    <message>
        <location filename="../wizard/core/sap_sign.py" line="-335"/>
        <source>%n day(s)</source>
        <translation>%n jour(s)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%n month(s)</source>
        <translation>%n mois</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%n year(s)</source>
        <translation>%n an(s)</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>{text!r} is not a validity the wizard understands. Give a number with d, m or y (90d, 6m, 1y) or words (90 days, 6 months, 1 year); SAP signs for 1 day to 1 year.</source>
        <translation>{text!r} n&apos;est pas une durée de validité que l&apos;assistant comprend. Indiquez un nombre avec d, m ou y (90d, 6m, 1y) ou des mots (90 days, 6 months, 1 year)&#xa0;; SAP signe pour 1 jour à 1 an.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>A validity of {validity} is outside what SAP signs: 1 day to 1 year (at most 365 days, 12 months or 1 year).</source>
        <translation>Une validité de {validity} est hors de ce que SAP signe&#xa0;: 1 jour à 1 an (au plus 365 jours, 12 mois ou 1 an).</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>{source} is an x509-bound service key but has no {fields}. Copy the whole service key of the Destination service instance (Download in the BTP cockpit).</source>
        <translation>{source} est une clé de service liée à x509, mais sans {fields}. Copiez la clé de service entière de l&apos;instance du service Destination (Download dans le cockpit BTP).</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The &apos;certificate&apos; or &apos;key&apos; of {source} is not PEM that can be read (an unencrypted private key). Copy the service key again as the BTP cockpit downloads it.</source>
        <translation>Le &apos;certificate&apos; ou la &apos;key&apos; de {source} n&apos;est pas un PEM lisible (une clé privée non chiffrée). Copiez de nouveau la clé de service telle que le cockpit BTP la télécharge.</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>The {name!r} of {source} is {value!r}, not an https URL. Copy the service key again as the BTP cockpit shows it.</source>
        <translation>Le {name!r} de {source} vaut {value!r}, ce n&apos;est pas une URL https. Copiez de nouveau la clé de service telle que le cockpit BTP l&apos;affiche.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>no JSON object</source>
        <translation>aucun objet JSON</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{source} is not a service key in JSON ({problem}). In the BTP cockpit open the Destination service instance → Service Keys → the key → Download, or save the output of &apos;cf service-key &lt;instance&gt; &lt;key&gt;&apos;.</source>
        <translation>{source} n&apos;est pas une clé de service en JSON ({problem}). Dans le cockpit BTP, ouvrez l&apos;instance du service Destination → Service Keys → la clé → Download, ou enregistrez la sortie de &apos;cf service-key &lt;instance&gt; &lt;key&gt;&apos;.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>It looks like a Process Integration Runtime key (certificate and key), which the sender uses to call the tenant.</source>
        <translation>Cela ressemble à une clé Process Integration Runtime (certificat et clé), que l&apos;émetteur utilise pour appeler le tenant.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{source} has no &apos;clientid&apos;, so it is not a Destination service key.{hint} Create an instance of the Destination service (plan lite) in a Cloud Foundry or &apos;Other Environment&apos; subaccount and a service key for it, then give that key.</source>
        <translation>{source} n&apos;a pas de &apos;clientid&apos;&#xa0;: ce n&apos;est donc pas une clé de service Destination.{hint} Créez une instance du service Destination (plan lite) dans un sous-compte Cloud Foundry ou &apos;Other Environment&apos; et une clé de service pour elle, puis indiquez cette clé.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>{source} has no &apos;clientsecret&apos;. Copy the whole service key of the Destination service instance.</source>
        <translation>{source} n&apos;a pas de &apos;clientsecret&apos;. Copiez la clé de service complète de l&apos;instance du service Destination.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&apos;url&apos; (the subaccount&apos;s token base URL)</source>
        <translation>&apos;url&apos; (l&apos;URL de base des jetons du sous-compte)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;uri&apos; (the Destination service&apos;s base URL)</source>
        <translation>&apos;uri&apos; (l&apos;URL de base du service Destination)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{first} and no {second}</source>
        <translation>{first} ni {second}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{source} has no {fields}: it is not a Destination service key. Create a service key of the Destination service (plan lite) and give that file.</source>
        <translation>{source} n&apos;a pas de {fields}&#xa0;: ce n&apos;est pas une clé de service Destination. Créez une clé de service du service Destination (plan lite) et indiquez ce fichier.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>a Destination service key (JSON)</source>
        <translation>une clé de service Destination (JSON)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>on: SAP renews it shortly before it expires; import the renewal with --refresh and update the tenant entry</source>
        <translation>activé (SAP le renouvelle peu avant son expiration&#xa0;; importez le renouvellement avec --refresh et mettez à jour l&apos;entrée dans le tenant)</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>The Destination service runs in a Cloud Foundry or an &apos;Other Environment&apos; subaccount, not in Neo: Neo users need a (free) Cloud Foundry subaccount for this one step; the certificate then works for Neo as well.</source>
        <translation>Le service Destination fonctionne dans un sous-compte Cloud Foundry ou &apos;Other Environment&apos;, pas dans Neo&#xa0;: les utilisateurs de Neo ont besoin d&apos;un sous-compte Cloud Foundry (gratuit) pour cette seule étape&#xa0;; le certificat fonctionne ensuite aussi pour Neo.</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>The certificate of the x509-bound service key ({source}) expired on {date}. Create a new service key for the Destination service instance and run again with --destination-key NEW-KEY.json.</source>
        <translation>Le certificat de la clé de service liée à x509 ({source}) a expiré le {date}. Créez une nouvelle clé de service pour l&apos;instance du service Destination et relancez avec --destination-key NEW-KEY.json.</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>the certificate of the service key kept in the keyring for this profile</source>
        <translation>le certificat de la clé de service conservé dans le trousseau pour ce profil</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the certificate in {source}</source>
        <translation>le certificat dans {source}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the client secret kept in the keyring for this profile (or in {env})</source>
        <translation>le secret client conservé dans le trousseau pour ce profil (ou dans {env})</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the client secret in {source}</source>
        <translation>le secret client de {source}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The token endpoint {host} refused client {client!r} (HTTP {status}): {where} is wrong or expired, or the service key was deleted. Create a new service key for the Destination service instance and run again with --destination-key NEW-KEY.json.</source>
        <translation>Le point de terminaison des jetons {host} a refusé le client {client!r} (HTTP {status})&#xa0;: {where} est faux ou expiré, ou la clé de service a été supprimée. Créez une nouvelle clé de service pour l&apos;instance du service Destination et relancez avec --destination-key NEW-KEY.json.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the token request</source>
        <translation>la demande de jeton</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{host} answered the token request without an access_token (HTTP {status}, {content_type}). Check the service key&apos;s &apos;url&apos;: it is the subaccount&apos;s authentication URL.</source>
        <translation>{host} a répondu à la demande de jeton sans access_token (HTTP {status}, {content_type}). Vérifiez la &apos;url&apos; de la clé de service&#xa0;: c&apos;est l&apos;URL d&apos;authentification du sous-compte.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>no content type</source>
        <translation>pas de type de contenu</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>SAP said: {said}</source>
        <translation>SAP a répondu&#xa0;: {said}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{host} answered {what} with a redirect to {location} (HTTP {status}), usually a login page. Check the service key&apos;s &apos;url&apos; and &apos;uri&apos;.</source>
        <translation>{host} a répondu à {what} par une redirection vers {location} (HTTP {status}), généralement une page de connexion. Vérifiez la &apos;url&apos; et la &apos;uri&apos; de la clé de service.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The Destination service at {host} did not accept the token for {what} (HTTP 401).{quoted} The service key may belong to another region&apos;s service; download it again from the subaccount and retry.</source>
        <translation>Le service Destination à {host} n&apos;a pas accepté le jeton pour {what} (HTTP 401).{quoted} La clé de service appartient peut-être au service d&apos;une autre région&#xa0;; téléchargez-la de nouveau depuis le sous-compte et réessayez.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The Destination service at {host} refused {what} (HTTP 403): this service key may not manage the subaccount&apos;s certificates.{quoted} Use a key of a Destination service instance of plan &apos;lite&apos; created in the subaccount itself.</source>
        <translation>Le service Destination à {host} a refusé {what} (HTTP 403)&#xa0;: cette clé de service n&apos;a peut-être pas le droit de gérer les certificats du sous-compte.{quoted} Utilisez une clé d&apos;une instance du service Destination de plan &apos;lite&apos; créée dans le sous-compte lui-même.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The Destination service at {host} refused {what} as too large or over quota (HTTP 413).{quoted} Delete certificates the subaccount no longer needs (cockpit → Connectivity → Destination Certificates) and try again.</source>
        <translation>Le service Destination à {host} a refusé {what} comme trop volumineux ou hors quota (HTTP 413).{quoted} Supprimez les certificats dont le sous-compte n&apos;a plus besoin (cockpit → Connectivity → Destination Certificates) et réessayez.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Try again in {seconds} seconds.</source>
        <translation>Réessayez dans {seconds} secondes.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Try again in a few minutes.</source>
        <translation>Réessayez dans quelques minutes.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The Destination service at {host} has had too many requests from this subaccount (HTTP 429).{quoted} {again}</source>
        <translation>Le service Destination à {host} a reçu trop de requêtes de ce sous-compte (HTTP 429).{quoted} {again}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The Destination service at {host} failed on {what} (HTTP {status}).{quoted} It is SAP&apos;s side: try again later, and check SAP&apos;s status page for the region.</source>
        <translation>Le service Destination à {host} a échoué sur {what} (HTTP {status}).{quoted} Le problème est du côté de SAP&#xa0;: réessayez plus tard et consultez la page d&apos;état de SAP pour la région.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The Destination service at {host} refused {what} (HTTP {status}).{quoted}</source>
        <translation>Le service Destination à {host} a refusé {what} (HTTP {status}).{quoted}</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>replacing the certificate {name!r}</source>
        <translation>le remplacement du certificat {name!r}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The subaccount already has a certificate named {name!r} (HTTP 409). Run again with --replace to have SAP sign your CSR again under that name (the old certificate is replaced there), or with --refresh to import the one that is there.</source>
        <translation>Le sous-compte a déjà un certificat nommé {name!r} (HTTP 409). Relancez avec --replace pour que SAP signe de nouveau votre CSR sous ce nom (l&apos;ancien certificat y est remplacé), ou avec --refresh pour importer celui qui s&apos;y trouve.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the signing request</source>
        <translation>la demande de signature</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The subaccount has no certificate named {name!r} (HTTP 404 from {host}). It may have been deleted in the cockpit: have SAP sign the CSR again (without --refresh).</source>
        <translation>Le sous-compte n&apos;a pas de certificat nommé {name!r} (HTTP 404 de {host}). Il a peut-être été supprimé dans le cockpit&#xa0;: faites signer de nouveau le CSR par SAP (sans --refresh).</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>reading the certificate {name!r}</source>
        <translation>la lecture du certificat {name!r}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The Destination service&apos;s answer for {name!r} has no readable &apos;Content&apos; (base64 of the certificate chain). Check that the service key&apos;s &apos;uri&apos; is the Destination service&apos;s.</source>
        <translation>La réponse du service Destination pour {name!r} n&apos;a pas de &apos;Content&apos; lisible (base64 de la chaîne de certificats). Vérifiez que la &apos;uri&apos; de la clé de service est bien celle du service Destination.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the certificate {name!r} SAP issued</source>
        <translation>le certificat {name!r} émis par SAP</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Profile {name!r} has no certificate request for SAP to sign. Create one first: cpi-cert-wizard csr --profile {profile} --cn …</source>
        <translation>Le profil {name!r} n&apos;a pas de demande de certificat à faire signer par SAP. Créez-en d&apos;abord une&#xa0;: cpi-cert-wizard csr --profile {profile} --cn …</translation>
    </message>
    <message>
        <location line="+209"/>
        <source>Profile {name!r} does not know a Destination service key yet. Give one: cpi-cert-wizard sap-sign --profile {profile} --refresh --destination-key FILE.json</source>
        <translation>Le profil {name!r} ne connaît pas encore de clé de service Destination. Indiquez-en une&#xa0;: cpi-cert-wizard sap-sign --profile {profile} --refresh --destination-key FILE.json</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the profile</source>
        <translation>le profil</translation>
    </message>
    <message>
        <location filename="../wizard/commands/sap_sign.py" line="+74"/>
        <source>{flags} only work when SAP signs; --refresh only fetches the certificate SAP has (the renewal setting stays as it was).</source>
        <translation>{flags} ne fonctionnent que lorsque SAP signe&#xa0;; --refresh récupère seulement le certificat dont SAP dispose (le paramètre de renouvellement reste inchangé).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Give the Destination service key: --destination-key FILE.json (BTP cockpit → the Cloud Foundry subaccount → Instances and Subscriptions → the Destination service instance → Service Keys → Download).</source>
        <translation>Indiquez la clé de service Destination&#xa0;: --destination-key FICHIER.json (cockpit SAP BTP → le sous-compte Cloud Foundry → Instances et abonnements → l&apos;instance du service Destination → Clés de service → Télécharger).</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Before SAP signs:</source>
        <translation>Avant que SAP ne signe&#xa0;:</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>  SHA-256 {sha256}, valid until {until} UTC</source>
        <translation>  SHA-256 {sha256}, valide jusqu&apos;au {until} UTC</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Mind:</source>
        <translation>Attention&#xa0;:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Client secret: {where}.</source>
        <translation>Secret client&#xa0;: {where}.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>on</source>
        <translation>activé</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../wizard/core/sap_sign.py" line="-584"/>
        <source>off</source>
        <translation>désactivé</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unknown</source>
        <translation>inconnu</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&apos;{name}&apos; in the subaccount&apos;s Destination certificates</source>
        <translation>«&#xa0;{name}&#xa0;» dans les certificats Destination du sous-compte</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP&apos;s certificate {where} is the one profile {profile} already has; nothing changed (automatic renewal {renew}).</source>
        <translation>Le certificat SAP {where} est celui que le profil {profile} possède déjà&#xa0;; rien n&apos;a changé (renouvellement automatique {renew}).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Imported SAP&apos;s certificate {where} into profile {profile} (automatic renewal {renew}).</source>
        <translation>Certificat SAP {where} importé dans le profil {profile} (renouvellement automatique {renew}).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP renewed the certificate {where}; profile {profile} now has the new one (automatic renewal {renew}).</source>
        <translation>SAP a renouvelé le certificat {where}&#xa0;; le profil {profile} dispose maintenant du nouveau (renouvellement automatique {renew}).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>SAP signed the CSR again of profile {profile}: {where}, valid {validity}, automatic renewal {renew}.</source>
        <translation>SAP a de nouveau signé la CSR du profil {profile}&#xa0;: {where}, validité {validity}, renouvellement automatique {renew}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>SAP signed the CSR of profile {profile}: {where}, valid {validity}, automatic renewal {renew}.</source>
        <translation>SAP a signé la CSR du profil {profile}&#xa0;: {where}, validité {validity}, renouvellement automatique {renew}.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The tenant entry must be updated: it names an earlier certificate.</source>
        <translation>L&apos;entrée du tenant doit être mise à jour&#xa0;: elle désigne un certificat antérieur.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  new SHA-256 {sha256}</source>
        <translation>  nouveau SHA-256 {sha256}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>  was SHA-256 {sha256}</source>
        <translation>  ancien SHA-256  {sha256}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>  Neo: a new Certificate-to-User mapping for the new certificate; Cloud Foundry: a new service key with it (unless pinning is off).</source>
        <translation>  Neo&#xa0;: un nouveau mappage certificat-utilisateur pour le nouveau certificat&#xa0;; Cloud Foundry&#xa0;: une nouvelle clé de service qui le contient (sauf si l&apos;épinglage est désactivé).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>  The sender needs the new certificate too (same key): cpi-cert-wizard export-p12 --profile {profile}</source>
        <translation>  L&apos;émetteur a lui aussi besoin du nouveau certificat (même clé)&#xa0;: cpi-cert-wizard export-p12 --profile {profile}</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Next: cpi-cert-wizard export-p12 --profile {profile}, then update the tenant entry.</source>
        <translation>Ensuite&#xa0;: cpi-cert-wizard export-p12 --profile {profile}, puis mettez à jour l&apos;entrée du tenant.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Next: cpi-cert-wizard export-p12 --profile {profile} (for the sender), then cpi-cert-wizard mapping --profile {profile} (for the tenant).</source>
        <translation>Ensuite&#xa0;: cpi-cert-wizard export-p12 --profile {profile} (pour l&apos;émetteur), puis cpi-cert-wizard mapping --profile {profile} (pour le tenant).</translation>
    </message>
    <message>
        <location filename="../wizard/core/sap_sign.py" line="+2"/>
        <source>SAP replaces the subject of your CSR with its own (SAP SE, your subaccount and region, CN={cn}): what you typed for O, OU, L or C is not in the certificate.</source>
        <translation>SAP remplace le sujet de votre CSR par le sien (SAP SE, votre sous-compte et votre région, CN={cn})&#xa0;: ce que vous avez saisi pour O, OU, L ou C ne figure pas dans le certificat.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>SAP replaces the subject of your CSR with its own (SAP SE, your subaccount and region): what you typed for O, OU, L or C is not in the certificate.</source>
        <translation>SAP remplace le sujet de votre CSR par le sien (SAP SE, votre sous-compte et votre région)&#xa0;: ce que vous avez saisi pour O, OU, L ou C ne figure pas dans le certificat.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Only the CSR (the public key) is sent; the private key stays on this machine.</source>
        <translation>Seule la CSR (la clé publique) est envoyée&#xa0;; la clé privée reste sur cette machine.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP signs for 1 day to 1 year; this request: {validity}. Automatic renewal: {renew}.</source>
        <translation>SAP signe pour une durée de 1 jour à 1 an&#xa0;; cette demande&#xa0;: {validity}. Renouvellement automatique&#xa0;: {renew}.</translation>
    </message>
</context>
<context>
    <name>secret</name>
    <message>
        <location filename="../wizard/commands/secret.py" line="+34"/>
        <source>No {kind} secret of profile {profile!r} is in the keyring ({keyring}).</source>
        <translation>Aucun secret {kind} du profil {profile!r} dans le trousseau ({keyring}).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Derived from the batch secret {account!r} of {service} in the keyring ({keyring}) for {label}.</source>
        <translation>Dérivé du secret de lot {account!r} de {service} dans le trousseau ({keyring}) pour {label}.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Kept in its own item {account!r} of {service} in the keyring ({keyring}).</source>
        <translation>Conservé dans sa propre entrée {account!r} de {service} dans le trousseau ({keyring}).</translation>
    </message>
</context>
<context>
    <name>secrets</name>
    <message>
        <location filename="../wizard/core/secrets.py" line="+85"/>
        <source>the private-key passphrase</source>
        <translation>la phrase secrète de la clé privée</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the PKCS#12 password</source>
        <translation>le mot de passe PKCS#12</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the tenant API secret</source>
        <translation>le secret de l&apos;API du tenant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the Destination service client secret</source>
        <translation>le secret client du service Destination</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the password for the company CA</source>
        <translation>le mot de passe pour l&apos;AC de l&apos;entreprise</translation>
    </message>
    <message>
        <location line="+560"/>
        <source>none (no usable keyring)</source>
        <translation>aucun (pas de trousseau de clés utilisable)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The keyring backend {backend} is not one known to encrypt what it keeps (it may write secrets to a plain file), so no secret is stored there.</source>
        <translation>Le backend de trousseau {backend} n&apos;est pas connu pour chiffrer ce qu&apos;il conserve (il peut écrire les secrets dans un fichier en clair)&#xa0;; aucun secret n&apos;y est donc enregistré.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The secrets of these profiles were stored in {keyring}, which cannot be reached now. Start or unlock it (on Linux: log in to the desktop session), then try again.</source>
        <translation>Les secrets de ces profils ont été enregistrés dans {keyring}, qui est injoignable pour l&apos;instant. Démarrez-le ou déverrouillez-le (sous Linux&#xa0;: ouvrez la session de bureau), puis réessayez.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No usable OS keyring was found (on Linux: a SecretService such as GNOME Keyring or KWallet, unlocked). Secrets are not stored.</source>
        <translation>Aucun trousseau utilisable du système n&apos;a été trouvé (sous Linux&#xa0;: un SecretService déverrouillé comme GNOME Keyring ou KWallet). Les secrets ne sont pas enregistrés.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>You will be asked for them each time, or set {variables} in the environment.</source>
        <translation>Ils vous seront demandés à chaque fois, ou définissez {variables} dans l&apos;environnement.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>The keyring ({keyring}) is locked, so {what} cannot be used. Unlock it (log in to the desktop session or unlock &apos;Login&apos; in Passwords and Keys) and try again.</source>
        <translation>Le trousseau ({keyring}) est verrouillé&#xa0;: {what} est donc inutilisable. Déverrouillez-le (ouvrez la session de bureau, ou déverrouillez le trousseau «&#xa0;Connexion&#xa0;» (Login) dans Mots de passe et clés) et réessayez.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The keyring ({keyring}) refused to handle {what}: {error}. Check that it is running and unlocked.</source>
        <translation>Le trousseau ({keyring}) a refusé de traiter {what}&#xa0;: {error}. Vérifiez qu&apos;il fonctionne et qu&apos;il est déverrouillé.</translation>
    </message>
    <message>
        <location line="+104"/>
        <source>Restore that item from a backup of the keyring; if it is lost, the key cannot be opened: make a new one with &apos;cpi-cert-wizard csr --profile {profile} --new-key&apos; (or set {variable} if you know the passphrase).</source>
        <translation>Restaurez cette entrée depuis une sauvegarde du trousseau&#xa0;; si elle est perdue, la clé ne peut plus être ouverte&#xa0;: créez-en une nouvelle avec &apos;cpi-cert-wizard csr --profile {profile} --new-key&apos; (ou définissez {variable} si vous connaissez la phrase secrète).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Restore that item from a backup of the keyring, or export again (&apos;cpi-cert-wizard export-p12 --profile {profile}&apos; makes a new password), or set {variable}.</source>
        <translation>Restaurez cette entrée depuis une sauvegarde du trousseau, exportez de nouveau (&apos;cpi-cert-wizard export-p12 --profile {profile}&apos; crée un nouveau mot de passe) ou définissez {variable}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{What} of profile {profile!r} is derived from a batch secret, the keyring item {account!r} of {service}, which is no longer in the keyring ({keyring}).</source>
        <translation>{What} du profil {profile!r} est dérivé d&apos;un secret de lot, l&apos;entrée {account!r} de {service} du trousseau, qui ne se trouve plus dans le trousseau ({keyring}).</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>{service} {account}: {what}</source>
        <translation>{service} {account}&#xa0;: {what}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{keyring}, derived from batch secret {account}</source>
        <translation>{keyring}, dérivé du secret de lot {account}</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>{What} of the profile is needed, but there is no keyring and no terminal to ask on. Set {variable} in the environment.</source>
        <translation>{What} du profil est nécessaire, mais il n&apos;y a ni trousseau ni terminal pour le demander. Définissez {variable} dans l&apos;environnement.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No answer was given for {what}; nothing was changed.</source>
        <translation>Aucune réponse n&apos;a été donnée pour {what}&#xa0;; rien n&apos;a été modifié.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>{What} of profile {profile}: </source>
        <translation>{What} du profil {profile}&#xa0;: </translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{What} of profile {profile!r} is needed and is not in a keyring: {reason} Set {variable} in the environment.</source>
        <translation>{What} du profil {profile!r} est nécessaire et ne se trouve dans aucun trousseau&#xa0;: {reason} Définissez {variable} dans l&apos;environnement.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{What} of profile {profile!r} is not in the keyring ({keyring}). Set {variable} or store it again.</source>
        <translation>{What} du profil {profile!r} ne se trouve pas dans le trousseau ({keyring}). Définissez {variable} ou enregistrez ce secret de nouveau.</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>not stored: taken from {variable}</source>
        <translation>non enregistré&#xa0;: lu dans {variable}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No keyring: choose {what} for profile {profile}: </source>
        <translation>Pas de trousseau&#xa0;: choisissez {what} du profil {profile}&#xa0;: </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{What} needs 8 characters or more.</source>
        <translation>{What} doit comporter au moins 8 caractères.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Type {what} for profile {profile} again: </source>
        <translation>Saisissez de nouveau {what} pour le profil {profile}&#xa0;: </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The two entries of {what} differ; nothing was created. Try again, or set {variable} in the environment.</source>
        <translation>Les deux saisies de {what} diffèrent&#xa0;; rien n&apos;a été créé. Réessayez, ou définissez {variable} dans l&apos;environnement.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>not stored: no keyring, you will be asked for it (or set {variable})</source>
        <translation>non enregistré&#xa0;: pas de trousseau, il vous sera demandé (ou définissez {variable})</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>The keyring refused to delete {what}: {error}.</source>
        <translation>Le trousseau a refusé de supprimer {what}&#xa0;: {error}.</translation>
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
        <translation>SAP NetWeaver Administrator → Configuration → Certificates and Keys (Key Storage)&#xa0;: importez {root} dans la vue TrustedCAs.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>In the same place, choose (or create) a keystore view for this sender and import {p12} there as a key pair entry (PKCS#12 with the whole chain).</source>
        <translation>Au même endroit, choisissez (ou créez) une vue de keystore pour cet émetteur et importez-y {p12} comme entrée de paire de clés (PKCS#12 avec toute la chaîne).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>In the receiver channel towards Cloud Integration (SOAP, HTTP_AAE or IDoc_AAE): the runtime host over HTTPS, authentication by client certificate with that keystore view and entry, no user and password.</source>
        <translation>Dans le canal récepteur vers Cloud Integration (SOAP, HTTP_AAE ou IDoc_AAE)&#xa0;: l&apos;hôte du runtime en HTTPS, authentification par certificat client avec cette vue de keystore et cette entrée, sans utilisateur ni mot de passe.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>SAP ABAP (S/4HANA, ECC)</source>
        <translation>SAP ABAP (S/4HANA, ECC)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>STRUST: add {root} to the certificate list of the SSL client PSE you use for this connection (SSL client Standard or a dedicated SSL client identity).</source>
        <translation>STRUST&#xa0;: ajoutez {root} à la liste de certificats du PSE client SSL utilisé pour cette connexion (SSL client Standard ou une identité client SSL dédiée).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>STRUST: import {p12} into that SSL client PSE (PSE → Import, or sapgenpse import_p12 -p &lt;file&gt;.pse {p12} and load the PSE); the PSE must hold the leaf and every intermediate.</source>
        <translation>STRUST&#xa0;: importez {p12} dans ce PSE client SSL (PSE → Import, ou sapgenpse import_p12 -p &lt;file&gt;.pse {p12} puis chargez le PSE)&#xa0;; le PSE doit contenir le certificat final et tous les intermédiaires.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>SM59, connection type G: the runtime host, port 443, SSL active with that SSL client identity; Logon &amp; Security: SSL client certificate, without a logon user.</source>
        <translation>SM59, type de connexion G&#xa0;: l&apos;hôte du runtime, port 443, SSL actif avec cette identité client SSL&#xa0;; Logon &amp; Security&#xa0;: SSL client certificate, sans utilisateur de connexion.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>With two or more worker nodes on the tenant side an ABAP sender gets HTTP 403 unless the profile parameter ict/disable_cookie_urlencoding is 1 or 2, depending on the kernel (SAP Note 2681175).</source>
        <translation>Avec deux nœuds de travail ou plus côté tenant, un émetteur ABAP reçoit HTTP 403 sauf si le paramètre de profil ict/disable_cookie_urlencoding vaut 1 ou 2, selon le noyau (note SAP 2681175).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Do not mix Basic authentication and the client certificate towards the tenant: TLS session reuse then gives intermittent 401s (SAP KBA 3584034).</source>
        <translation>Ne mélangez pas l&apos;authentification Basic et le certificat client vers le tenant&#xa0;: la réutilisation des sessions TLS provoque alors des 401 intermittents (KBA SAP 3584034).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Java application</source>
        <translation>Application Java</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>keytool -importcert -alias tenant-root -file {root} -keystore truststore.p12 -storetype PKCS12 (or rely on the JDK&apos;s cacerts if it holds the root).</source>
        <translation>keytool -importcert -alias tenant-root -file {root} -keystore truststore.p12 -storetype PKCS12 (ou les cacerts du JDK s&apos;ils contiennent la racine).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Use {p12} as the key store (javax.net.ssl.keyStore={p12}, keyStoreType=PKCS12), or copy it into yours with keytool -importkeystore -srckeystore {p12} -srcstoretype PKCS12.</source>
        <translation>Utilisez {p12} comme keystore (javax.net.ssl.keyStore={p12}, keyStoreType=PKCS12), ou copiez-le dans le vôtre avec keytool -importkeystore -srckeystore {p12} -srcstoretype PKCS12.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Call the runtime host over HTTPS with that key store; no Authorization header.</source>
        <translation>Appelez l&apos;hôte du runtime en HTTPS avec ce keystore&#xa0;; pas d&apos;en-tête Authorization.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>An old Java that reports &apos;wrong password&apos; or a MAC error cannot read AES-256 PKCS#12: export again with --legacy.</source>
        <translation>Un Java ancien qui signale « mot de passe incorrect » ou une erreur de MAC ne sait pas lire un PKCS#12 AES-256&#xa0;: exportez de nouveau avec --legacy.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>.NET application</source>
        <translation>Application .NET</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Windows: {root} in Trusted Root Certification Authorities (often there already).</source>
        <translation>Windows&#xa0;: {root} dans Autorités de certification racines de confiance (souvent déjà présent).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Load {p12} as an X509Certificate2 and add it to HttpClientHandler.ClientCertificates; put the intermediates into the Intermediate Certification Authorities store so Windows sends them.</source>
        <translation>Chargez {p12} comme X509Certificate2 et ajoutez-le à HttpClientHandler.ClientCertificates&#xa0;; placez les intermédiaires dans le magasin Autorités de certification intermédiaires pour que Windows les envoie.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Call the runtime host with TLS 1.2 or 1.3; no Authorization header.</source>
        <translation>Appelez l&apos;hôte du runtime en TLS 1.2 ou 1.3&#xa0;; pas d&apos;en-tête Authorization.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&apos;Could not create SSL/TLS secure channel&apos; usually means the application offers only TLS 1.0 or 1.1: enable TLS 1.2.</source>
        <translation>« Could not create SSL/TLS secure channel » signifie le plus souvent que l&apos;application ne propose que TLS 1.0 ou 1.1&#xa0;: activez TLS 1.2.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Postman</source>
        <translation>Postman</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Settings → Certificates → CA certificates: {root_pem} (needed when SSL certificate verification is on and the root is not in the system store).</source>
        <translation>Settings → Certificates → CA certificates&#xa0;: {root_pem} (nécessaire quand la vérification des certificats SSL est activée et que la racine n&apos;est pas dans le magasin du système).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Settings → Certificates → Add certificate: host = the runtime host, PFX file {p12} and its password.</source>
        <translation>Settings → Certificates → Add certificate&#xa0;: hôte = l&apos;hôte du runtime, fichier PFX {p12} et son mot de passe.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Send the request to https://&lt;runtime host&gt;/http/&lt;address&gt; with Authorization: No Auth.</source>
        <translation>Envoyez la requête à https://&lt;runtime host&gt;/http/&lt;address&gt; avec Authorization&#xa0;: No Auth.</translation>
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
        <translation>--cert {chain} avec --key et sa phrase secrète, ou --cert-type P12 --cert {p12}&#xa0;; cpi-cert-wizard test-call affiche la commande exacte.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>curl &lt;options&gt; https://&lt;runtime host&gt;/http/&lt;address&gt;, without -u.</source>
        <translation>curl &lt;options&gt; https://&lt;runtime host&gt;/http/&lt;address&gt;, sans -u.</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>trust store: {text}</source>
        <translation>magasin de confiance&#xa0;: {text}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>key pair: {text}</source>
        <translation>paire de clés&#xa0;: {text}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>call: {text}</source>
        <translation>appel&#xa0;: {text}</translation>
    </message>
</context>
<context>
    <name>storage</name>
    <message>
        <location filename="../wizard/core/storage.py" line="+128"/>
        <source>Cannot replace {file}: another program has it open. Close it (an editor, a viewer, a virus scanner still reading it) and try again; nothing was changed.</source>
        <translation>Impossible de remplacer {file}&#xa0;: un autre programme l&apos;a ouvert. Fermez-le (un éditeur, une visionneuse, un antivirus qui le lit encore) et réessayez&#xa0;; rien n&apos;a été modifié.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Cannot write {file}: {reason}. Check that the folder exists and is writable.</source>
        <translation>Impossible d&apos;écrire {file}&#xa0;: {reason}. Vérifiez que le dossier existe et qu&apos;il est accessible en écriture.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Cannot write {file}: {reason}. Nothing was changed.</source>
        <translation>Impossible d&apos;écrire {file}&#xa0;: {reason}. Rien n&apos;a été modifié.</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>{file} is a folder, not {what}. Give the file itself.</source>
        <translation>{file} est un dossier, et non {what}. Indiquez le fichier lui-même.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{file} is a named pipe (FIFO), not {what}: reading it could wait forever. Save what you want to give into a regular file and give that file.</source>
        <translation>{file} est un tube nommé (FIFO), et non {what}&#xa0;: sa lecture pourrait attendre indéfiniment. Enregistrez le contenu dans un fichier ordinaire et indiquez ce fichier.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{file} is a device, not {what}: reading it may never end. Give a regular file.</source>
        <translation>{file} est un périphérique, et non {what}&#xa0;: sa lecture pourrait ne jamais se terminer. Indiquez un fichier ordinaire.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{file} is not a regular file (a socket or similar), not {what}.</source>
        <translation>{file} n&apos;est pas un fichier ordinaire (un socket ou similaire), et non {what}.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{file} is {size} MB; {what} is never that large (limit {limit} MB). Check that you picked the right file.</source>
        <translation>{file} fait {size} Mo&#xa0;; {what} ne fait jamais cette taille (limite&#xa0;: {limit} Mo). Vérifiez que vous avez choisi le bon fichier.</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>{file} does not exist. Check the path.</source>
        <translation>{file} n&apos;existe pas. Vérifiez le chemin.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{file} cannot be read (permission denied).</source>
        <translation>{file} est illisible (autorisation refusée).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{file} cannot be read: {reason}.</source>
        <translation>{file} est illisible&#xa0;: {reason}.</translation>
    </message>
    <message>
        <location line="+81"/>
        <source>process {pid}</source>
        <translation>le processus {pid}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>another process</source>
        <translation>un autre processus</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>it is a symbolic link, which is never followed; remove it</source>
        <translation>c&apos;est un lien symbolique, qui n&apos;est jamais suivi&#xa0;; supprimez-le</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>it is a folder; remove it</source>
        <translation>c&apos;est un dossier&#xa0;; supprimez-le</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Cannot create the lock file {file}: {reason}.</source>
        <translation>Impossible de créer le fichier de verrou {file}&#xa0;: {reason}.</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>{what} is being changed by {holder}, which did not finish within {seconds} s. Wait for it to finish (or close the other cpi-cert-wizard) and try again.</source>
        <translation>{what} est en cours de modification par {holder}, qui n&apos;a pas terminé en {seconds} s. Attendez la fin (ou fermez l&apos;autre cpi-cert-wizard) et réessayez.</translation>
    </message>
</context>
<context>
    <name>test_call</name>
    <message>
        <location filename="../wizard/commands/test_call.py" line="+93"/>
        <source>the message body</source>
        <translation>le corps du message</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>no HTTP answer</source>
        <translation>aucune réponse HTTP</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{method} {url}: {status} after {seconds} s</source>
        <translation>{method} {url}&#xa0;: {status} après {seconds} s</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Evidence:</source>
        <translation>Constats&#xa0;:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Next: {step}</source>
        <translation>Étape suivante&#xa0;: {step}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The same call with curl (the passphrase is fetched, not shown):</source>
        <translation>Le même appel avec curl (la phrase secrète est récupérée, pas affichée)&#xa0;:</translation>
    </message>
</context>
<context>
    <name>testcall</name>
    <message>
        <location filename="../wizard/core/client_identity.py" line="+11"/>
        <source>Profile {profile!r} has no private key ({file}). Create the key and CSR first (csr), or import a PKCS#12 (import-p12).</source>
        <translation>Le profil {profile!r} n&apos;a pas de clé privée ({file}). Créez d&apos;abord la clé et la CSR (csr), ou importez un PKCS#12 (import-p12).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Profile {profile!r} has no private key ({file}). Create the key and request first on the step &apos;Key and certificate request&apos;.</source>
        <translation>Le profil {profile!r} n&apos;a pas de clé privée ({file}). Créez d&apos;abord la clé et la demande à l&apos;étape «&#xa0;Clé et demande de certificat&#xa0;».</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Profile {profile!r} has no certificate yet. Import what the CA sent back (import-reply) or a PKCS#12 (import-p12) first.</source>
        <translation>Le profil {profile!r} n&apos;a pas encore de certificat. Importez d&apos;abord ce que l&apos;AC a renvoyé (import-reply) ou un PKCS#12 (import-p12).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Profile {profile!r} has no certificate yet. Import what the CA sent back first, on the step &apos;Signed certificate&apos;.</source>
        <translation>Le profil {profile!r} n&apos;a pas encore de certificat. Importez d&apos;abord ce que l&apos;AC a renvoyé, à l&apos;étape «&#xa0;Certificat signé&#xa0;».</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>The certificate in {file} ({subject}) does not belong to the private key of profile {profile!r}. Import the certificate issued for this profile&apos;s CSR again.</source>
        <translation>Le certificat de {file} ({subject}) ne correspond pas à la clé privée du profil {profile!r}. Importez de nouveau le certificat émis pour la CSR de ce profil.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Profile {profile!r} has no saved tenant root ({file}). Read it with fetch-root first, or choose --trust system or --trust FILE.</source>
        <translation>Le profil {profile!r} n&apos;a pas de racine du tenant enregistrée ({file}). Lisez-la d&apos;abord avec fetch-root, ou choisissez --trust system ou --trust FICHIER.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the tenant root saved by fetch-root ({subject})</source>
        <translation>la racine du tenant enregistrée par fetch-root ({subject})</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>No system trust store could be read on this computer. Save the tenant root with fetch-root, or give the root file with --trust FILE.</source>
        <translation>Aucun magasin de confiance système n&apos;a pu être lu sur cet ordinateur. Enregistrez la racine du tenant avec fetch-root, ou indiquez le fichier racine avec --trust FICHIER.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>the system trust store</source>
        <translation>le magasin de confiance système</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>a root certificate for the tenant</source>
        <translation>un certificat racine pour le tenant</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the certificates in {file}</source>
        <translation>les certificats de {file}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The acceptable-CA name {value!r} in {source} is not an RFC 4514 name; run fetch-root again.</source>
        <translation>Le nom d&apos;AC acceptable {value!r} dans {source} n&apos;est pas un nom RFC 4514&#xa0;; relancez fetch-root.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>a file of accepted client root certificates</source>
        <translation>un fichier de certificats racine client acceptés</translation>
    </message>
    <message>
        <location filename="../wizard/core/testcall.py" line="+260"/>
        <source>The timeout must be a positive number of seconds.</source>
        <translation>Le délai d&apos;attente doit être un nombre positif de secondes.</translation>
    </message>
    <message>
        <location line="+58"/>
        <source>This call sends an Authorization header as well as the client certificate. SAP KBA 3584034: a sender that mixes Basic authentication and client certificates towards the tenant gets intermittent 401s through TLS session reuse; use one authentication type per sender.</source>
        <translation>Cet appel envoie un en-tête Authorization en plus du certificat client. KBA SAP 3584034&#xa0;: un émetteur qui mélange authentification Basic et certificats client vers le tenant reçoit des 401 intermittents à cause de la réutilisation des sessions TLS&#xa0;; utilisez un seul type d&apos;authentification par émetteur.</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Profile {profile!r} has no tenant URL; give the endpoint with --url (for example https://&lt;runtime host&gt;/http/&lt;address&gt;).</source>
        <translation>Le profil {profile!r} n&apos;a pas d&apos;URL de tenant&#xa0;; indiquez le point de terminaison avec --url (par exemple https://&lt;hôte d&apos;exécution&gt;/http/&lt;adresse&gt;).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Profile {profile!r} has no tenant URL; give the endpoint on the first step (for example https://&lt;runtime host&gt;/http/&lt;address&gt;).</source>
        <translation>Le profil {profile!r} n&apos;a pas d&apos;URL de tenant&#xa0;; indiquez le point de terminaison à la première étape (par exemple https://&lt;runtime host&gt;/http/&lt;address&gt;).</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>{url!r} is not an https:// URL. The tenant accepts client certificates only over TLS: use https://&lt;runtime host&gt;/http/&lt;address&gt;.</source>
        <translation>{url!r} n&apos;est pas une URL https://. Le tenant n&apos;accepte les certificats client que via TLS&#xa0;: utilisez https://&lt;hôte d&apos;exécution&gt;/http/&lt;adresse&gt;.</translation>
    </message>
    <message>
        <location line="+90"/>
        <source>Connected to {target}.</source>
        <translation>Connecté à {target}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Connected to {target} through the proxy {proxy} (CONNECT).</source>
        <translation>Connecté à {target} via le proxy {proxy} (CONNECT).</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>{where} does not speak TLS: it answered {what}.</source>
        <translation>{where} ne parle pas TLS&#xa0;: il a répondu par {what}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{where} started the TLS handshake but did not finish it within {timeout:g} s.</source>
        <translation>{where} a commencé la négociation TLS mais ne l&apos;a pas terminée en {timeout:g} s.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{where} accepted the connection but sent no TLS answer within {timeout:g} s.</source>
        <translation>{where} a accepté la connexion mais n&apos;a envoyé aucune réponse TLS en {timeout:g} s.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>The server presented {chain}.</source>
        <translation>Le serveur a présenté {chain}.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>It is not trusted against {trusted}: {problem}.</source>
        <translation>Cette chaîne n&apos;est pas approuvée (confiance&#xa0;: {trusted})&#xa0;: {problem}.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>What it received: your client certificate (public, like a business card) if it asked for one in the handshake. No request, no data and no secret (no key, no password) was sent.</source>
        <translation>Ce qu&apos;il a reçu&#xa0;: votre certificat client (public, comme une carte de visite) s&apos;il l&apos;a demandé pendant la négociation TLS. Aucune requête, aucune donnée et aucun secret (ni clé, ni mot de passe) n&apos;ont été envoyés.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{protocol}: the server&apos;s certificate {name} is trusted: it leads to {trusted}.</source>
        <translation>{protocol}&#xa0;: le certificat du serveur {name} est approuvé&#xa0;: il remonte à une racine de confiance ({trusted}).</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>no names</source>
        <translation>aucun nom</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The server asked for a client certificate (acceptable CAs: {listed}); we sent {chain}.</source>
        <translation>Le serveur a demandé un certificat client (AC acceptables&#xa0;: {listed})&#xa0;; nous avons envoyé {chain}.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The server did not ask for a client certificate, so none was sent.</source>
        <translation>Le serveur n&apos;a pas demandé de certificat client&#xa0;: aucun n&apos;a donc été envoyé.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>{where} closed the connection without answering the TLS handshake.</source>
        <translation>{where} a fermé la connexion sans répondre à la négociation TLS.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{where} closed the connection in the middle of the TLS handshake.</source>
        <translation>{where} a fermé la connexion au milieu de la négociation TLS.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{where} ended the TLS handshake after our client certificate: {reasons}.</source>
        <translation>{where} a mis fin à la négociation TLS après notre certificat client&#xa0;: {reasons}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No TLS session with {where}: {reasons} (no protocol version or cipher in common, or the server refused this host name).</source>
        <translation>Aucune session TLS avec {where}&#xa0;: {reasons} (aucune version de protocole ni suite de chiffrement en commun, ou le serveur a refusé ce nom d&apos;hôte).</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>{where} accepted the request but did not answer within {timeout:g} s (a slow flow needs a larger --timeout).</source>
        <translation>{where} a accepté la demande mais n&apos;a pas répondu en {timeout:g} s (un flux lent nécessite un --timeout plus grand).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{where} accepted the request but did not answer within {timeout:g} s (a slow flow may answer when you call again).</source>
        <translation>{where} a accepté la requête mais n&apos;a pas répondu en {timeout:g} s (un flux lent répondra peut-être au prochain appel).</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The TLS connection to {where} failed: {reasons}.</source>
        <translation>La connexion TLS à {where} a échoué&#xa0;: {reasons}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{where} closed the connection after the handshake without an answer ({error}); servers do this when they refuse the client certificate without saying why.</source>
        <translation>{where} a fermé la connexion après la négociation sans répondre ({error})&#xa0;; les serveurs le font quand ils refusent le certificat client sans en donner la raison.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{where} gave no usable HTTP answer ({error}: {reason}).</source>
        <translation>{where} n&apos;a donné aucune réponse HTTP exploitable ({error}&#xa0;: {reason}).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The answer begins: {excerpt}</source>
        <translation>La réponse commence par&#xa0;: {excerpt}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Redirected to {location}: not an integration flow endpoint (a login page or the management host?).</source>
        <translation>Redirigé vers {location}&#xa0;: ce n&apos;est pas un point de terminaison de flux d&apos;intégration (une page de connexion ou l&apos;hôte de gestion&#xa0;?).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The answer asks for credentials: WWW-Authenticate: {value}.</source>
        <translation>La réponse demande des identifiants&#xa0;: WWW-Authenticate&#xa0;: {value}.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The server says it could not verify the client certificate.</source>
        <translation>Le serveur indique qu&apos;il n&apos;a pas pu vérifier le certificat client.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The server says no client certificate arrived.</source>
        <translation>Le serveur indique qu&apos;aucun certificat client n&apos;est arrivé.</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>The pre-checks found problems with the chain: {checks} (see above).</source>
        <translation>Les contrôles préalables ont détecté des problèmes dans la chaîne&#xa0;: {checks} (voir ci-dessus).</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>A load balancer drops such a chain, so the tool believes the tenant saw no certificate (the access log would show &apos;-&apos; as the user).</source>
        <translation>Un répartiteur de charge écarte une telle chaîne&#xa0;: l&apos;outil estime donc que le tenant n&apos;a vu aucun certificat (le journal d&apos;accès indiquerait &apos;-&apos; comme utilisateur).</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>the server sent no acceptable-CA names</source>
        <translation>le serveur n&apos;a envoyé aucun nom de CA acceptée</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the server&apos;s acceptable-CA names do not settle it</source>
        <translation>les noms de CA acceptées du serveur ne tranchent pas</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Why the tool believes the load balancer dropped the chain: {named}, and the root {root} is not confirmed by {version}. If that root is on SAP&apos;s current list (SAP Note 2801396), the certificate reached the tenant and is not mapped (NOT_MAPPED) instead; the access log line of this call tells the two apart.</source>
        <translation>Pourquoi l&apos;outil estime que le répartiteur de charge a écarté la chaîne&#xa0;: {named}, et la racine {root} n&apos;est pas confirmée par {version}. Si cette racine figure sur la liste actuelle de SAP (note SAP 2801396), le certificat a atteint le tenant et n&apos;est au contraire pas mappé (NOT_MAPPED)&#xa0;; la ligne de cet appel dans le journal d&apos;accès départage les deux cas.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The chain should pass the load balancer, so the tool believes the certificate reached the tenant but is not known there (the access log would show &apos;&lt;CN&gt;@&lt;issuer CN&gt;&apos; as the user).</source>
        <translation>La chaîne devrait passer le répartiteur de charge&#xa0;: l&apos;outil estime donc que le certificat a atteint le tenant mais n&apos;y est pas connu (le journal d&apos;accès indiquerait &apos;&lt;CN&gt;@&lt;issuer CN&gt;&apos; comme utilisateur).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Could not tell: {checks}.</source>
        <translation>Impossible de déterminer la cause&#xa0;: {checks}.</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>SAP&apos;s answer says invalid_client: the client certificate is not configured exactly once in a service key (SAP KBA 3224701). So the certificate passed the load balancer and reached the tenant; it is in no service key of a Process Integration Runtime instance, or in more than one.</source>
        <translation>La réponse de SAP indique invalid_client&#xa0;: le certificat client n&apos;est pas configuré dans exactement une clé de service (KBA SAP 3224701). Le certificat a donc passé le répartiteur de charge et atteint le tenant&#xa0;; il ne figure dans aucune clé de service d&apos;une instance Process Integration Runtime, ou dans plusieurs.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The answer carries X-CSRF-Token: Required: the sender channel is CSRF protected and the call brought no valid token. Fetch one first (GET with X-CSRF-Token: Fetch, keep the cookies) or untick CSRF Protected in the channel; the certificate and the role are fine.</source>
        <translation>La réponse porte X-CSRF-Token&#xa0;: Required&#xa0;: le canal émetteur est protégé contre le CSRF et l&apos;appel n&apos;apportait pas de jeton valide. Obtenez-en d&apos;abord un (GET avec X-CSRF-Token&#xa0;: Fetch, en gardant les cookies) ou décochez CSRF Protected dans le canal&#xa0;; le certificat et le rôle sont corrects.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The server never asked for a client certificate, so none was sent: this is not SAP&apos;s load balancer in front of a runtime node. Check that the URL is the runtime host (not the management host) and that no proxy or API Management ends TLS in between; sending intermediates or changing the CA will not help.</source>
        <translation>Le serveur n&apos;a jamais demandé de certificat client, aucun n&apos;a donc été envoyé&#xa0;: ce n&apos;est pas le répartiteur de charge de SAP devant un nœud de runtime. Vérifiez que l&apos;URL est l&apos;hôte du runtime (pas l&apos;hôte de gestion) et qu&apos;aucun proxy ni API Management ne termine TLS entre les deux&#xa0;; envoyer les intermédiaires ou changer de CA n&apos;y fera rien.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>no certificate</source>
        <translation>aucun certificat</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{names} (no intermediate)</source>
        <translation>{names} (aucun intermédiaire)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{names} (%n intermediate(s))</source>
        <translation>{names} (%n intermédiaire(s))</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{where} rejected our client certificate with a TLS alert: {reasons}.</source>
        <translation>{where} a rejeté notre certificat client par une alerte TLS&#xa0;: {reasons}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{where} closed the connection right after our client certificate, without an answer.</source>
        <translation>{where} a fermé la connexion juste après notre certificat client, sans répondre.</translation>
    </message>
</context>
<context>
    <name>tlsprobe</name>
    <message>
        <location filename="../wizard/core/tlsprobe.py" line="+69"/>
        <source>No target given: pass the tenant&apos;s runtime URL or host, for example https://my-tenant.it-cpi018-rt.cfapps.eu10-003.hana.ondemand.com/http/orders.</source>
        <translation>Aucune cible indiquée&#xa0;: passez l&apos;URL ou l&apos;hôte d&apos;exécution du tenant, par exemple https://my-tenant.it-cpi018-rt.cfapps.eu10-003.hana.ondemand.com/http/orders.</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>{raw!r} is a {scheme}:// address; give an https:// URL, a host name or host:port.</source>
        <translation>{raw!r} est une adresse {scheme}://&#xa0;; indiquez une URL https://, un nom d&apos;hôte ou hôte:port.</translation>
    </message>
    <message>
        <location line="-9"/>
        <location line="+30"/>
        <source>{raw!r}: the IPv6 address has no closing &apos;]&apos;.</source>
        <translation>{raw!r}&#xa0;: l&apos;adresse IPv6 n&apos;a pas de «&#xa0;]&#xa0;» fermant.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>{raw!r}: {port!r} is not a port number (1 to 65535).</source>
        <translation>{raw!r}&#xa0;: {port!r} n&apos;est pas un numéro de port (1 à 65535).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{raw!r}: {host!r} is not a valid host name.</source>
        <translation>{raw!r}&#xa0;: {host!r} n&apos;est pas un nom d&apos;hôte valide.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{raw!r} has no host name.</source>
        <translation>{raw!r} n&apos;a pas de nom d&apos;hôte.</translation>
    </message>
    <message>
        <location filename="../wizard/core/proxies.py" line="+46"/>
        <source>Proxy scheme {scheme}:// is not supported; give an http:// proxy URL (the usual kind: it tunnels TLS with CONNECT), for example http://proxy.corp:3128.</source>
        <translation>Le schéma de proxy {scheme}:// n&apos;est pas pris en charge&#xa0;; indiquez une URL de proxy http:// (le type habituel&#xa0;: il fait passer le TLS par un tunnel CONNECT), par exemple http://proxy.corp:3128.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The proxy address has no usable host and port; write it like http://proxy.corp:3128.</source>
        <translation>L&apos;adresse du proxy n&apos;a ni hôte ni port exploitable&#xa0;; écrivez-la sous la forme http://proxy.corp:3128.</translation>
    </message>
    <message>
        <location filename="../wizard/core/tlsprobe.py" line="+63"/>
        <source>The timeout must be a positive number of seconds.</source>
        <translation>Le délai d&apos;attente doit être un nombre positif de secondes.</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>the proxy {proxy}</source>
        <translation>le proxy {proxy}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Looking up {host} (for {where}) took longer than {timeout:g} s. Check the network and DNS settings, or raise --timeout.</source>
        <translation>La résolution de {host} (pour {where}) a pris plus de {timeout:g} s. Vérifiez le réseau et les paramètres DNS, ou augmentez --timeout.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Looking up {host} (for {where}) took longer than {timeout:g} s. Check the network and DNS settings, then try again.</source>
        <translation>La résolution de {host} (pour {where}) a pris plus de {timeout:g} s. Vérifiez les paramètres réseau et DNS, puis réessayez.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Check the proxy address in --proxy or HTTPS_PROXY.</source>
        <translation>Vérifiez l&apos;adresse du proxy dans --proxy ou HTTPS_PROXY.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check the proxy address in the system&apos;s proxy settings or HTTPS_PROXY.</source>
        <translation>Vérifiez l&apos;adresse du proxy dans les paramètres proxy du système ou dans HTTPS_PROXY.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Check the spelling (copy the host from the tenant&apos;s URL or service key); if this computer reaches the internet only through a proxy, give it with --proxy or HTTPS_PROXY.</source>
        <translation>Vérifiez l&apos;orthographe (copiez l&apos;hôte depuis l&apos;URL du tenant ou la clé de service)&#xa0;; si cet ordinateur n&apos;accède à Internet que via un proxy, indiquez-le avec --proxy ou HTTPS_PROXY.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Check the spelling on the first step (copy the host from the tenant&apos;s URL or service key); if this computer reaches the internet only through a proxy, set it in the system&apos;s proxy settings or HTTPS_PROXY and start the wizard again.</source>
        <translation>Vérifiez l&apos;orthographe à la première étape (copiez l&apos;hôte depuis l&apos;URL du tenant ou la clé de service)&#xa0;; si cet ordinateur n&apos;accède à Internet que par un proxy, indiquez-le dans les paramètres de proxy du système ou dans HTTPS_PROXY et relancez l&apos;assistant.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The name {host} (for {where}) cannot be resolved: {reason}. {hint}</source>
        <translation>Le nom {host} (pour {where}) ne peut pas être résolu&#xa0;: {reason}. {hint}</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Check the proxy address and that the proxy is running.</source>
        <translation>Vérifiez l&apos;adresse du proxy et que le proxy fonctionne.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nothing listens on that port: check the port (the tenant&apos;s runtime uses 443) and the host.</source>
        <translation>Rien n&apos;écoute sur ce port&#xa0;: vérifiez le port (l&apos;environnement d&apos;exécution du tenant utilise 443) et l&apos;hôte.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{where} refused the connection. {what}</source>
        <translation>{where} a refusé la connexion. {what}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Connecting to {where} took longer than {timeout:g} s. A firewall may drop the connection, or a proxy is needed (--proxy or HTTPS_PROXY); raise --timeout if the line is slow.</source>
        <translation>La connexion ({where}) a pris plus de {timeout:g} s. Un pare-feu bloque peut-être la connexion, ou un proxy est nécessaire (--proxy ou HTTPS_PROXY)&#xa0;; augmentez --timeout si la ligne est lente.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Connecting to {where} took longer than {timeout:g} s. A firewall may drop the connection, or a proxy is needed (the system&apos;s proxy settings or HTTPS_PROXY); try again if the line is slow.</source>
        <translation>La connexion à {where} a pris plus de {timeout:g} s. Un pare-feu bloque peut-être la connexion, ou un proxy est nécessaire (paramètres de proxy du système ou HTTPS_PROXY)&#xa0;; réessayez si la ligne est lente.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{where} cannot be reached: {reason}. Check the network, the host, and whether a proxy is needed (--proxy or HTTPS_PROXY).</source>
        <translation>{where} est injoignable&#xa0;: {reason}. Vérifiez le réseau, l&apos;hôte et si un proxy est nécessaire (--proxy ou HTTPS_PROXY).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{where} cannot be reached: {reason}. Check the network, the host, and whether a proxy is needed (the system&apos;s proxy settings or HTTPS_PROXY).</source>
        <translation>{where} est injoignable&#xa0;: {reason}. Vérifiez le réseau, l&apos;hôte, et si un proxy est nécessaire (paramètres de proxy du système ou HTTPS_PROXY).</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>The proxy {proxy} did not answer the tunnel request to {target} within {timeout:g} s. Check the proxy, or raise --timeout.</source>
        <translation>Le proxy {proxy} n&apos;a pas répondu à la demande de tunnel vers {target} en {timeout:g} s. Vérifiez le proxy, ou augmentez --timeout.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The proxy {proxy} did not answer the tunnel request to {target} within {timeout:g} s. Check the proxy, then try again.</source>
        <translation>Le proxy {proxy} n&apos;a pas répondu à la demande de tunnel vers {target} en {timeout:g} s. Vérifiez le proxy, puis réessayez.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The proxy {proxy} did not open a tunnel to {target}: it answered the CONNECT request unlike an HTTP proxy ({error}). Check that this address is an HTTP proxy.</source>
        <translation>Le proxy {proxy} n&apos;a pas ouvert de tunnel vers {target}&#xa0;: il a répondu à la requête CONNECT autrement qu&apos;un proxy HTTP ({error}). Vérifiez que cette adresse est bien celle d&apos;un proxy HTTP.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>It wants credentials: set them in the environment variable HTTPS_PROXY (http://user:password@proxy:port), not on the command line, where other users of the machine can read them.</source>
        <translation>Il demande des identifiants&#xa0;: définissez-les dans la variable d&apos;environnement HTTPS_PROXY (http://user:password@proxy:port), pas sur la ligne de commande, où d&apos;autres utilisateurs de la machine peuvent les lire.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Its rules do not allow a tunnel to {target}; ask the proxy&apos;s administrators to allow CONNECT to this host and port.</source>
        <translation>Ses règles n&apos;autorisent pas de tunnel vers {target}&#xa0;; demandez aux administrateurs du proxy d&apos;autoriser CONNECT vers cet hôte et ce port.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The proxy could not reach {target}: check the host name and port.</source>
        <translation>Le proxy n&apos;a pas pu joindre {target}&#xa0;: vérifiez le nom d&apos;hôte et le port.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The proxy could not reach {target} in time.</source>
        <translation>Le proxy n&apos;a pas pu joindre {target} à temps.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Check the proxy settings.</source>
        <translation>Vérifiez les paramètres du proxy.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The proxy {proxy} refused to open a tunnel to {target}: {status} {reason}. {hint}</source>
        <translation>Le proxy {proxy} a refusé d&apos;ouvrir un tunnel vers {target}&#xa0;: {status} {reason}. {hint}</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>{target} (through the proxy {proxy})</source>
        <translation>{target} (via le proxy {proxy})</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>{where} started the TLS handshake but did not finish it within {timeout:g} s. The port may speak another protocol that waits for the client, or a firewall holds the connection; check host and port (the tenant&apos;s runtime uses 443), or raise --timeout.</source>
        <translation>{where} a commencé la négociation TLS mais ne l&apos;a pas terminée en {timeout:g} s. Le port parle peut-être un autre protocole qui attend le client, ou un pare-feu retient la connexion&#xa0;; vérifiez l&apos;hôte et le port (l&apos;environnement d&apos;exécution du tenant utilise 443), ou augmentez --timeout.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{where} started the TLS handshake but did not finish it within {timeout:g} s. The port may speak another protocol that waits for the client, or a firewall holds the connection; check host and port on the first step (the tenant&apos;s runtime uses 443).</source>
        <translation>{where} a commencé la négociation TLS mais ne l&apos;a pas terminée en {timeout:g} s. Le port parle peut-être un autre protocole qui attend le client, ou un pare-feu retient la connexion&#xa0;; vérifiez l&apos;hôte et le port à la première étape (l&apos;environnement d&apos;exécution du tenant utilise 443).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{where} accepted the connection but sent no TLS answer within {timeout:g} s. The port may speak another protocol that waits for the client, or a firewall holds the connection; check host and port (the tenant&apos;s runtime uses 443), or raise --timeout.</source>
        <translation>{where} a accepté la connexion mais n&apos;a envoyé aucune réponse TLS en {timeout:g} s. Le port parle peut-être un autre protocole qui attend le client, ou un pare-feu retient la connexion&#xa0;; vérifiez l&apos;hôte et le port (l&apos;environnement d&apos;exécution du tenant utilise 443), ou augmentez --timeout.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{where} accepted the connection but sent no TLS answer within {timeout:g} s. The port may speak another protocol that waits for the client, or a firewall holds the connection; check host and port on the first step (the tenant&apos;s runtime uses 443).</source>
        <translation>{where} a accepté la connexion mais n&apos;a envoyé aucune réponse TLS en {timeout:g} s. Le port parle peut-être un autre protocole qui attend le client, ou un pare-feu retient la connexion&#xa0;; vérifiez l&apos;hôte et le port à la première étape (l&apos;environnement d&apos;exécution du tenant utilise 443).</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>plain HTTP ({line!r})</source>
        <translation>du HTTP simple ({line!r})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This is an http:// port; the tenant&apos;s runtime speaks TLS on 443.</source>
        <translation>Il s&apos;agit d&apos;un port http://&#xa0;; l&apos;environnement d&apos;exécution du tenant parle TLS sur le port 443.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>something that is not TLS: {what}</source>
        <translation>quelque chose qui n&apos;est pas du TLS&#xa0;: {what}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check the port: the tenant&apos;s runtime speaks TLS on 443.</source>
        <translation>Vérifiez le port&#xa0;: l&apos;environnement d&apos;exécution du tenant parle TLS sur le port 443.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{where} does not speak TLS: it answered {what}. {hint}</source>
        <translation>{where} ne parle pas TLS&#xa0;: il a répondu par {what}. {hint}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{where} closed the connection in the middle of the TLS handshake.</source>
        <translation>{where} a fermé la connexion au milieu de la négociation TLS.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{where} closed the connection without answering the TLS handshake.</source>
        <translation>{where} a fermé la connexion sans répondre à la négociation TLS.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> The port may not speak TLS, or does not serve the name {sni!r} (give the right one with --servername); check host and port (the tenant&apos;s runtime uses 443).</source>
        <translation> Le port ne parle peut-être pas TLS, ou ne sert pas le nom {sni!r} (indiquez le bon avec --servername)&#xa0;; vérifiez l&apos;hôte et le port (l&apos;environnement d&apos;exécution du tenant utilise 443).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> The port may not speak TLS, or does not serve the name {sni!r}; check host and port on the first step (the tenant&apos;s runtime uses 443).</source>
        <translation> Le port ne parle peut-être pas TLS, ou ne sert pas le nom {sni!r}&#xa0;; vérifiez l&apos;hôte et le port à la première étape (l&apos;environnement d&apos;exécution du tenant utilise 443).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source> The port may not speak TLS; check host and port (the tenant&apos;s runtime uses 443).</source>
        <translation> Le port ne parle peut-être pas TLS&#xa0;; vérifiez l&apos;hôte et le port (l&apos;environnement d&apos;exécution du tenant utilise 443).</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>{where} and this program have no TLS version in common ({reasons}). The server offers only versions this program does not use (it needs TLS 1.2 or 1.3, as SAP Cloud Integration does): check that this is the tenant&apos;s runtime host.</source>
        <translation>{where} et ce programme n&apos;ont aucune version de TLS en commun ({reasons}). Le serveur ne propose que des versions que ce programme n&apos;utilise pas (il lui faut TLS 1.2 ou 1.3, comme SAP Cloud Integration)&#xa0;: vérifiez qu&apos;il s&apos;agit bien de l&apos;hôte d&apos;exécution du tenant.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{where} refused the TLS handshake ({reasons}): no cipher suite or key exchange in common with this program&apos;s TLS 1.2/1.3 defaults. Check that this is the tenant&apos;s runtime host and port.</source>
        <translation>{where} a refusé la négociation TLS ({reasons})&#xa0;: aucune suite de chiffrement ni méthode d&apos;échange de clés en commun avec les paramètres TLS 1.2/1.3 par défaut de ce programme. Vérifiez qu&apos;il s&apos;agit bien de l&apos;hôte et du port d&apos;exécution du tenant.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{where} does not serve the name {sni!r} ({reasons}). Check the host, or give the name it expects with --servername.</source>
        <translation>{where} ne sert pas le nom {sni!r} ({reasons}). Vérifiez l&apos;hôte, ou indiquez le nom attendu avec --servername.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{where} does not serve the name {sni!r} ({reasons}). Check the host on the first step.</source>
        <translation>{where} ne sert pas le nom {sni!r} ({reasons}). Vérifiez l&apos;hôte à la première étape.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The TLS handshake with {where} failed: {reasons}. Check host and port (the tenant&apos;s runtime uses 443).</source>
        <translation>La négociation TLS avec {where} a échoué&#xa0;: {reasons}. Vérifiez l&apos;hôte et le port (l&apos;environnement d&apos;exécution du tenant utilise 443).</translation>
    </message>
</context>
<context>
    <name>tracelog</name>
    <message>
        <location filename="../wizard/core/tracelog.py" line="+103"/>
        <source>Neo: {neo} Cloud Foundry: {cf}</source>
        <translation>Neo&#xa0;: {neo} Cloud Foundry&#xa0;: {cf}</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The user lacks the channel&apos;s role</source>
        <translation>L&apos;utilisateur n&apos;a pas le rôle du canal</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The certificate was accepted and the call authenticated as {user}, who lacks {the_role} (the user role the sender channel checks; HTTP 403).</source>
        <translation>Le certificat a été accepté et l&apos;appel authentifié en tant que {user}, qui n&apos;a pas {the_role} (le rôle utilisateur que vérifie le canal émetteur&#xa0;; HTTP 403).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Give {user} {the_role}, or set the channel&apos;s user role to one {user} has.</source>
        <translation>Donnez {the_role} à {user}, ou réglez le rôle utilisateur du canal sur un rôle que {user} possède.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Give {user} {the_role}: SAP BTP cockpit → Neo subaccount → Security → Authorizations → {user} → Show Assignments → Assign → the application ending in &apos;iflmap&apos; → {role}. (A custom role must first exist on that application.)</source>
        <translation>Donnez {the_role} à {user}&#xa0;: SAP BTP cockpit → sous-compte Neo → Security → Authorizations → {user} → Show Assignments → Assign → l&apos;application qui se termine par &apos;iflmap&apos; → {role}. (Un rôle personnalisé doit d&apos;abord exister sur cette application.)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Add {role} to the &quot;roles&quot; parameter of the Process Integration Runtime instance whose service key holds this certificate (cf update-service INSTANCE -c service-instance.json); the change can take up to an hour to apply.</source>
        <translation>Ajoutez {role} au paramètre &quot;roles&quot; de l&apos;instance Process Integration Runtime dont la clé de service contient ce certificat (cf update-service INSTANCE -c service-instance.json)&#xa0;; la modification peut mettre jusqu&apos;à une heure à s&apos;appliquer.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The flow&apos;s certificate list does not contain this certificate</source>
        <translation>La liste de certificats du flux d&apos;intégration ne contient pas ce certificat</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The sender channel checks client certificates itself (Authorization = Client Certificate) and its list has no entry with subject {subject} and issuer {issuer} (HTTP 403).</source>
        <translation>Le canal émetteur vérifie lui-même les certificats clients (Authorization = Client Certificate) et sa liste n&apos;a aucune entrée avec le sujet {subject} et l&apos;émetteur {issuer} (HTTP 403).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Add the certificate to the sender channel: upload client.crt from cpi-cert-wizard mapping --profile &lt;profile&gt; --flow-certificate (or type its Subject DN and Issuer DN exactly as printed there), then redeploy the flow. Or switch the channel to Authorization = User Role and map the certificate (the recommended option).</source>
        <translation>Ajoutez le certificat au canal émetteur&#xa0;: chargez client.crt produit par cpi-cert-wizard mapping --profile &lt;profile&gt; --flow-certificate (ou saisissez son Subject DN et son Issuer DN exactement comme affichés), puis redéployez le flux d&apos;intégration. Ou passez le canal en Authorization = User Role et mappez le certificat (l&apos;option recommandée).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The CSRF token check failed</source>
        <translation>La vérification du jeton CSRF a échoué</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The sender channel is CSRF protected and the call brought no valid X-CSRF-Token (HTTP 403): the certificate and the role are fine.</source>
        <translation>Le canal émetteur est protégé contre le CSRF et l&apos;appel n&apos;a apporté aucun X-CSRF-Token valide (HTTP 403)&#xa0;: le certificat et le rôle sont corrects.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Have the sender fetch a token first (a GET with header X-CSRF-Token: Fetch, keep the session cookies, send the token back with the POST), or untick CSRF Protected in the sender channel if the sender cannot do that, and redeploy.</source>
        <translation>Faites d&apos;abord récupérer un jeton par l&apos;émetteur (un GET avec l&apos;en-tête X-CSRF-Token: Fetch, conservez les cookies de session, renvoyez le jeton avec le POST), ou décochez CSRF Protected dans le canal émetteur si l&apos;émetteur ne peut pas le faire, puis redéployez.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The certificate is not in exactly one service key</source>
        <translation>Le certificat n&apos;est pas dans exactement une clé de service</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant found the certificate in no service key, or in more than one (invalid_client; HTTP 401).</source>
        <translation>Le tenant n&apos;a trouvé le certificat dans aucune clé de service, ou dans plusieurs (invalid_client&#xa0;; HTTP 401).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Put the leaf certificate into exactly one service key of type External Certificate (cpi-cert-wizard mapping --profile &lt;profile&gt; --env cf) and delete any other key that holds it.</source>
        <translation>Placez le certificat feuille dans exactement une clé de service de type External Certificate (cpi-cert-wizard mapping --profile &lt;profile&gt; --env cf) et supprimez toute autre clé qui le contient.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The certificate is not mapped to a user</source>
        <translation>Le certificat n&apos;est mappé à aucun utilisateur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The certificate reached the tenant but no user is mapped to it (HTTP 401).</source>
        <translation>Le certificat a atteint le tenant, mais aucun utilisateur ne lui est mappé (HTTP 401).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Register exactly this certificate for a user.</source>
        <translation>Enregistrez exactement ce certificat pour un utilisateur.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add this exact certificate (client.cer, serial included) in Certificate-to-User Mappings with a user name: cpi-cert-wizard mapping --profile &lt;profile&gt; --env neo.</source>
        <translation>Ajoutez exactement ce certificat (client.cer, numéro de série compris) dans le mappage certificat-utilisateur avec un nom d&apos;utilisateur&#xa0;: cpi-cert-wizard mapping --profile &lt;profile&gt; --env neo.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Create a service key of type External Certificate with this leaf: cpi-cert-wizard mapping --profile &lt;profile&gt; --env cf.</source>
        <translation>Créez une clé de service de type External Certificate avec ce certificat feuille&#xa0;: cpi-cert-wizard mapping --profile &lt;profile&gt; --env cf.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>XSUAA could not authenticate the OAuth client</source>
        <translation>XSUAA n&apos;a pas pu authentifier le client OAuth</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant could not turn the caller into an OAuth client (HTTP 401). With a client certificate on Cloud Foundry this is logged when the certificate is in no service key, or, with Pin Certificate off, when several service keys hold certificates with the same subject and issuer DN (SAP KBA 3364579). SAP calls the message generic: the subaccount&apos;s audit log (&apos;Multiple clones found for certificate …&apos;) confirms the conflict.</source>
        <translation>Le tenant n&apos;a pas pu faire de l&apos;appelant un client OAuth (HTTP 401). Avec un certificat client sur Cloud Foundry, ce message est journalisé lorsque le certificat n&apos;est dans aucune clé de service ou, avec Pin Certificate désactivé, lorsque plusieurs clés de service contiennent des certificats avec les mêmes DN de sujet et d&apos;émetteur (SAP KBA 3364579). SAP qualifie le message de générique&#xa0;: le journal d&apos;audit du sous-compte (&apos;Multiple clones found for certificate …&apos;) confirme le conflit.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Keep each certificate in exactly one service key; with Pin Certificate off, keep each subject and issuer DN in one key only and delete the conflicting keys (cpi-cert-wizard mapping --profile &lt;profile&gt; --env cf). Check the subaccount&apos;s audit log for &apos;Multiple clones found for certificate&apos;.</source>
        <translation>Gardez chaque certificat dans exactement une clé de service&#xa0;; avec Pin Certificate désactivé, gardez chaque DN de sujet et d&apos;émetteur dans une seule clé et supprimez les clés en conflit (cpi-cert-wizard mapping --profile &lt;profile&gt; --env cf). Cherchez &apos;Multiple clones found for certificate&apos; dans le journal d&apos;audit du sous-compte.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>No credentials reached the runtime</source>
        <translation>Aucun identifiant n&apos;a atteint le runtime</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The call reached the runtime without credentials it could use (HTTP 401): no certificate was forwarded and no user or token came with it. (The message is the runtime&apos;s security framework&apos;s; SAP does not document it for this case, so this reading is the tool&apos;s.)</source>
        <translation>L&apos;appel a atteint le runtime sans identifiants utilisables (HTTP 401)&#xa0;: aucun certificat n&apos;a été transmis et aucun utilisateur ni jeton ne l&apos;accompagnait. (Le message vient du framework de sécurité du runtime&#xa0;; SAP ne le documente pas pour ce cas, cette interprétation est donc celle de l&apos;outil.)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Make sure the sender presents its client certificate with the whole chain to the runtime host: cpi-cert-wizard test-call --profile &lt;profile&gt; shows whether the server asks for a certificate and whether the chain passes.</source>
        <translation>Assurez-vous que l&apos;émetteur présente son certificat client avec toute la chaîne à l&apos;hôte du runtime&#xa0;: cpi-cert-wizard test-call --profile &lt;profile&gt; indique si le serveur demande un certificat et si la chaîne passe.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Authentication failed</source>
        <translation>Échec de l&apos;authentification</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant could not authenticate the caller (HTTP 401); the trace text says how.</source>
        <translation>Le tenant n&apos;a pas pu authentifier l&apos;appelant (HTTP 401)&#xa0;; le texte de la trace dit comment.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Check that the certificate is registered: Certificate-to-User Mapping (Neo) or exactly one service key (Cloud Foundry), and that the sender sends the whole chain.</source>
        <translation>Vérifiez que le certificat est enregistré&#xa0;: mappage certificat-utilisateur (Neo) ou exactement une clé de service (Cloud Foundry), et que l&apos;émetteur envoie toute la chaîne.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Authorization failed</source>
        <translation>Échec de l&apos;autorisation</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The caller was authenticated but refused (HTTP 403); the trace text says why.</source>
        <translation>L&apos;appelant a été authentifié mais refusé (HTTP 403)&#xa0;; le texte de la trace dit pourquoi.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Check the sender channel&apos;s authorization: the user role and its assignment, the client certificate list, and the CSRF setting.</source>
        <translation>Vérifiez l&apos;autorisation du canal émetteur&#xa0;: le rôle utilisateur et son attribution, la liste des certificats clients et le réglage CSRF.</translation>
    </message>
    <message>
        <location line="+307"/>
        <source>an ljs_trace_*.log file</source>
        <translation>un fichier ljs_trace_*.log</translation>
    </message>
</context>
<context>
    <name>trust</name>
    <message>
        <location filename="../wizard/core/trust.py" line="+104"/>
        <source>an SAP trust list</source>
        <translation>une liste de confiance SAP</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{base} plus {count} root(s) from {file}</source>
        <translation>{base} plus {count} racine(s) de {file}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>the trusted CAs of the custom domain</source>
        <translation>les CA de confiance du domaine personnalisé</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the trusted CAs configured for the custom domain {domain} ({file})</source>
        <translation>les CA de confiance configurées pour le domaine personnalisé {domain} ({file})</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>the SAP trust list shipped with the wizard</source>
        <translation>la liste de confiance SAP fournie avec l&apos;assistant</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>{file} is not an SAP trust list the wizard can read ({problem}). Give the JSON shipped in resources/ (same shape) or a PEM bundle of roots.</source>
        <translation>{file} n&apos;est pas une liste de confiance SAP que l&apos;assistant sait lire ({problem}). Indiquez le JSON fourni dans resources/ (même forme) ou un lot PEM de certificats racine.</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>SAP BTP trust store {version}</source>
        <translation>magasin de confiance SAP BTP {version}</translation>
    </message>
    <message>
        <location line="+170"/>
        <source>a CA certificate file</source>
        <translation>un fichier de certificat d&apos;AC</translation>
    </message>
</context>
<context>
    <name>verdicts</name>
    <message>
        <location filename="../wizard/core/verdicts.py" line="+94"/>
        <source>Neo: {neo} Cloud Foundry: {cf}</source>
        <translation>Neo&#xa0;: {neo} Cloud Foundry&#xa0;: {cf}</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Monitor → System Log Files</source>
        <translation>Surveiller → Fichiers journaux système</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The default trace of node {node}, which answered, names the cause: open {trace} ({where}), or give it to cpi-cert-wizard analyze-log together with the access log.</source>
        <translation>La trace par défaut du nœud {node}, qui a répondu, indique la cause&#xa0;: ouvrez {trace} ({where}), ou transmettez-la à cpi-cert-wizard analyze-log avec le journal d&apos;accès.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The default trace of node {node}, which answered, names the cause: open {trace} ({where}).</source>
        <translation>La trace par défaut du nœud {node}, qui a répondu, en donne la cause&#xa0;: ouvrez {trace} ({where}).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The default trace of the node that answered names the cause: open {trace} ({where}) of the node whose {access_log} shows this call, or give both files to cpi-cert-wizard analyze-log.</source>
        <translation>La trace par défaut du nœud qui a répondu indique la cause&#xa0;: ouvrez {trace} ({where}) du nœud dont le fichier {access_log} contient cet appel, ou transmettez les deux fichiers à cpi-cert-wizard analyze-log.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The default trace of the node that answered names the cause: open {trace} ({where}) of the node whose {access_log} shows this call.</source>
        <translation>La trace par défaut du nœud qui a répondu en donne la cause&#xa0;: ouvrez {trace} ({where}) du nœud dont le {access_log} montre cet appel.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The call went through</source>
        <translation>L&apos;appel a abouti</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant accepted the certificate, mapped it to a user with the required role and the integration flow answered with success.</source>
        <translation>Le tenant a accepté le certificat, l&apos;a mappé à un utilisateur doté du rôle requis, et le flux d&apos;intégration a répondu avec succès.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Nothing to fix. Configure the sender system with the same key, chain and URL (export-p12), and keep an eye on the certificate&apos;s expiry.</source>
        <translation>Rien à corriger. Configurez le système émetteur avec la même clé, la même chaîne et la même URL (export-p12), et surveillez l&apos;expiration du certificat.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Nothing to fix. Configure the sender system with the same key, chain and URL (the files of the Export step), and keep an eye on the certificate&apos;s expiry.</source>
        <translation>Rien à corriger. Configurez le système émetteur avec la même clé, la même chaîne et la même URL (les fichiers de l&apos;étape Export), et surveillez l&apos;expiration du certificat.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The tenant&apos;s server certificate is not trusted</source>
        <translation>Le certificat serveur du tenant n&apos;est pas approuvé</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The load balancer presented a certificate that does not lead to a root this call trusts (or is not valid for this host name), so the call stopped before sending anything.</source>
        <translation>Le répartiteur de charge a présenté un certificat qui ne mène à aucune racine approuvée par cet appel (ou qui n&apos;est pas valide pour ce nom d&apos;hôte)&#xa0;: l&apos;appel s&apos;est donc arrêté avant tout envoi.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Import the tenant&apos;s load-balancer root into the trust store (step 1: fetch-root), or choose the right one with --trust root|system|FILE. If a company proxy inspects TLS, its root is the one to trust.</source>
        <translation>Importez la racine du répartiteur de charge du tenant dans le magasin de confiance (étape 1&#xa0;: fetch-root), ou choisissez la bonne avec --trust root|system|FICHIER. Si un proxy d&apos;entreprise inspecte le TLS, c&apos;est sa racine qu&apos;il faut approuver.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Go back to the tenant&apos;s root step and fetch the load balancer&apos;s root again. If a company proxy inspects TLS, its root is the one to trust.</source>
        <translation>Revenez à l&apos;étape de la racine du tenant et récupérez à nouveau la racine du répartiteur de charge. Si un proxy d&apos;entreprise inspecte le TLS, c&apos;est sa racine qu&apos;il faut approuver.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The load balancer rejected the client certificate</source>
        <translation>Le répartiteur de charge a refusé le certificat client</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The TLS handshake failed with an alert after the client certificate was sent: the chain is incomplete, its root is not one the load balancer accepts, or the certificate is expired or not meant for client authentication.</source>
        <translation>La négociation TLS a échoué avec une alerte après l&apos;envoi du certificat client&#xa0;: la chaîne est incomplète, sa racine n&apos;est pas acceptée par le répartiteur de charge, ou le certificat a expiré ou n&apos;est pas destiné à l&apos;authentification client.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Send the whole chain (leaf and all intermediates), check the root against SAP&apos;s list of accepted client roots, and check validity and clientAuth in Extended Key Usage.</source>
        <translation>Envoyez toute la chaîne (feuille et tous les intermédiaires), vérifiez la racine par rapport à la liste SAP des racines client acceptées, et contrôlez la validité ainsi que clientAuth dans l&apos;Extended Key Usage.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No certificate reached the tenant</source>
        <translation>Aucun certificat n&apos;a atteint le tenant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The call arrived without usable credentials (HTTP 401): the load balancer dropped the client certificate because its chain has a problem (incomplete, root not accepted, self-signed, expired, no clientAuth), or the server never asked for one. The access log shows &apos;-&apos; as the user.</source>
        <translation>L&apos;appel est arrivé sans identifiants utilisables (HTTP 401)&#xa0;: le répartiteur de charge a écarté le certificat client parce que sa chaîne pose problème (incomplète, racine non acceptée, auto-signé, expiré, sans clientAuth), ou le serveur n&apos;en a jamais demandé. Le journal d&apos;accès affiche «&#xa0;-&#xa0;» comme utilisateur.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Fix the chain problem named in the evidence: send leaf and all intermediates, use a certificate from a CA whose root is on SAP&apos;s list, never a self-signed one.</source>
        <translation>Corrigez le problème de chaîne indiqué dans les constats&#xa0;: envoyez la feuille et tous les intermédiaires, utilisez un certificat d&apos;une AC dont la racine figure sur la liste SAP, jamais un certificat auto-signé.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The load balancer would drop this chain (the tool&apos;s inference)</source>
        <translation>Le répartiteur de charge écarterait cette chaîne (déduction de l&apos;outil)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The tenant answered 401 without saying why. The tool cannot see what the load balancer did; from the chain it sends, it believes the load balancer dropped the client certificate, so the call arrived without one. The evidence says why it believes so; the access log line of this call (&apos;-&apos; as the user) would confirm it.</source>
        <translation>Le tenant a répondu 401 sans dire pourquoi. L&apos;outil ne voit pas ce qu&apos;a fait le répartiteur de charge&#xa0;; d&apos;après la chaîne envoyée, il estime que le répartiteur a écarté le certificat client, si bien que l&apos;appel est arrivé sans certificat. Les éléments indiquent pourquoi il le pense&#xa0;; la ligne de cet appel dans le journal d&apos;accès (&apos;-&apos; comme utilisateur) le confirmerait.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The server never asked for a client certificate</source>
        <translation>Le serveur n&apos;a jamais demandé de certificat client</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The server at this address finished the TLS handshake without asking for a client certificate, so none was sent. SAP&apos;s load balancer in front of a runtime node asks for one; this answer came from something else: the management host instead of the runtime host, or an API Management or reverse proxy that ends TLS in front of the tenant.</source>
        <translation>Le serveur à cette adresse a terminé la négociation TLS sans demander de certificat client, aucun n&apos;a donc été envoyé. Le répartiteur de charge de SAP devant un nœud de runtime en demande un&#xa0;; cette réponse venait d&apos;autre chose&#xa0;: l&apos;hôte de gestion au lieu de l&apos;hôte du runtime, ou un API Management ou proxy inverse qui termine TLS devant le tenant.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Call the runtime host: on Cloud Foundry the url of the integration-flow service key (…-rt.cfapps…), on Neo the host ending in -iflmap…, not the management host. If a proxy or API Management sits in between, it must pass the TLS connection through or present the client certificate itself. Another chain or CA will not change this.</source>
        <translation>Appelez l&apos;hôte du runtime&#xa0;: sur Cloud Foundry l&apos;url de la clé de service integration-flow (…-rt.cfapps…), sur Neo l&apos;hôte qui se termine par -iflmap…, pas l&apos;hôte de gestion. Si un proxy ou API Management se trouve entre les deux, il doit laisser passer la connexion TLS ou présenter lui-même le certificat client. Une autre chaîne ou CA n&apos;y changera rien.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The certificate is not mapped to a user</source>
        <translation>Le certificat n&apos;est mappé à aucun utilisateur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The chain should pass the load balancer, yet the tenant answered 401: the certificate reached the tenant but is not known there. The access log shows &apos;&lt;subject CN&gt;@&lt;issuer CN&gt;&apos; as the user.</source>
        <translation>La chaîne devrait passer le répartiteur de charge, mais le tenant a répondu 401&#xa0;: le certificat a atteint le tenant mais n&apos;y est pas connu. Le journal d&apos;accès affiche «&#xa0;&lt;subject CN&gt;@&lt;issuer CN&gt;&#xa0;» comme utilisateur.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Register exactly this certificate in the tenant.</source>
        <translation>Enregistrez exactement ce certificat dans le tenant.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add this exact certificate (the client .cer, serial included) in the Certificate-to-User Mapping with a user name; a renewed certificate needs a new entry. If 401s come and go while the same sender also calls with Basic authentication, that is TLS session reuse (SAP KBA 3584034): use one authentication type per sender.</source>
        <translation>Ajoutez exactement ce certificat (le .cer client, numéro de série compris) dans le mappage certificat-utilisateur avec un nom d&apos;utilisateur&#xa0;; un certificat renouvelé a besoin d&apos;une nouvelle entrée. Si des 401 vont et viennent alors que le même émetteur appelle aussi en authentification Basic, c&apos;est la réutilisation des sessions TLS (KBA SAP 3584034)&#xa0;: utilisez un seul type d&apos;authentification par émetteur.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Create a service key of type External Certificate (certificate_external) with this leaf certificate as PEM on the Process Integration Runtime instance (plan integration-flow); the certificate must be in exactly one service key. If 401s come and go while the same sender also calls with Basic authentication, that is TLS session reuse (SAP KBA 3584034): use one authentication type per sender.</source>
        <translation>Créez une clé de service de type External Certificate (certificate_external) avec ce certificat final en PEM sur l&apos;instance Process Integration Runtime (plan integration-flow)&#xa0;; le certificat doit figurer dans exactement une clé de service. Si des 401 vont et viennent alors que le même émetteur appelle aussi en authentification Basic, c&apos;est la réutilisation des sessions TLS (KBA SAP 3584034)&#xa0;: utilisez un seul type d&apos;authentification par émetteur.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The certificate is probably not mapped to a user (the tool&apos;s inference)</source>
        <translation>Le certificat n&apos;est probablement mappé à aucun utilisateur (déduction de l&apos;outil)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The tenant answered 401 without saying why. The chain should pass the load balancer, so the tool believes the certificate reached the tenant but is not known there. The access log line of this call (&apos;&lt;subject CN&gt;@&lt;issuer CN&gt;&apos; as the user) would confirm it.</source>
        <translation>Le tenant a répondu 401 sans dire pourquoi. La chaîne devrait passer le répartiteur de charge&#xa0;: l&apos;outil estime donc que le certificat a atteint le tenant mais n&apos;y est pas connu. La ligne de cet appel dans le journal d&apos;accès (&apos;&lt;subject CN&gt;@&lt;issuer CN&gt;&apos; comme utilisateur) le confirmerait.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Give the mapped user the channel&apos;s role and check the sender channel&apos;s CSRF setting. An SAP ABAP sender gets 403 when the tenant has two or more worker nodes unless the profile parameter ict/disable_cookie_urlencoding is set to 1 or 2 (SAP Note 2681175).</source>
        <translation>Donnez à l&apos;utilisateur mappé le rôle du canal et vérifiez le réglage CSRF du canal émetteur. Un émetteur SAP ABAP reçoit 403 quand le tenant a deux nœuds de travail ou plus, sauf si le paramètre de profil ict/disable_cookie_urlencoding vaut 1 ou 2 (note SAP 2681175).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Give the mapped user the role the sender channel requires (default ESBMessaging.send) on the application ending in &apos;iflmap&apos; (cockpit → Security → Authorizations), and check the channel&apos;s CSRF protection setting. An SAP ABAP sender with two or more worker nodes on the tenant side needs the profile parameter ict/disable_cookie_urlencoding = 1 or 2 (SAP Note 2681175).</source>
        <translation>Donnez à l&apos;utilisateur mappé le rôle qu&apos;exige le canal émetteur (par défaut ESBMessaging.send) sur l&apos;application qui se termine par &apos;iflmap&apos; (cockpit → Security → Authorizations), et vérifiez le réglage de protection CSRF du canal. Un émetteur SAP ABAP a besoin, avec deux nœuds de travail ou plus côté tenant, du paramètre de profil ict/disable_cookie_urlencoding = 1 ou 2 (note SAP 2681175).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Add the channel&apos;s role (default ESBMessaging.send) to the service instance&apos;s &quot;roles&quot; parameter (role changes can take up to an hour to apply), and check the channel&apos;s CSRF protection setting. An SAP ABAP sender with two or more worker nodes on the tenant side needs the profile parameter ict/disable_cookie_urlencoding = 1 or 2 (SAP Note 2681175).</source>
        <translation>Ajoutez le rôle du canal (par défaut ESBMessaging.send) au paramètre &quot;roles&quot; de l&apos;instance de service (un changement de rôle peut prendre jusqu&apos;à une heure), et vérifiez le réglage de protection CSRF du canal. Un émetteur SAP ABAP a besoin, avec deux nœuds de travail ou plus côté tenant, du paramètre de profil ict/disable_cookie_urlencoding = 1 ou 2 (note SAP 2681175).</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>Check the host name and port on the first step (the runtime host, port 443), DNS, and whether a firewall or a company proxy is needed (the wizard uses the proxy in HTTPS_PROXY).</source>
        <translation>Vérifiez le nom d&apos;hôte et le port à la première étape (l&apos;hôte runtime, port 443), le DNS, et si un pare-feu ou un proxy d&apos;entreprise est nécessaire (l&apos;assistant utilise le proxy de HTTPS_PROXY).</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Check firewalls and proxies (the wizard uses the proxy in HTTPS_PROXY); a slow flow may answer when you try again.</source>
        <translation>Vérifiez les pare-feu et les proxys (l&apos;assistant utilise le proxy de HTTPS_PROXY)&#xa0;; un flux lent répondra peut-être si vous réessayez.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Something answers at this address, but no TLS session could be set up with it: it speaks plain HTTP or another protocol, closed the connection during the handshake, or has no protocol version in common with the caller.</source>
        <translation>Quelque chose répond à cette adresse, mais aucune session TLS n&apos;a pu être établie&#xa0;: il parle HTTP simple ou un autre protocole, a fermé la connexion pendant la négociation, ou n&apos;a aucune version de protocole en commun avec l&apos;appelant.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Use an https:// URL of the runtime host on port 443; check for a proxy or gateway that intercepts the connection. A .NET sender that reports &apos;Could not create SSL/TLS secure channel&apos; is usually offering only TLS 1.0 or 1.1: enable TLS 1.2 on it.</source>
        <translation>Utilisez une URL https:// de l&apos;hôte du runtime sur le port 443&#xa0;; vérifiez si un proxy ou une passerelle intercepte la connexion. Un émetteur .NET qui signale « Could not create SSL/TLS secure channel » ne propose le plus souvent que TLS 1.0 ou 1.1&#xa0;: activez-y TLS 1.2.</translation>
    </message>
    <message>
        <location line="-156"/>
        <source>Authenticated, but not allowed</source>
        <translation>Authentifié, mais non autorisé</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant knows the certificate&apos;s user (HTTP 403) but that user lacks the role the flow&apos;s sender channel requires, or CSRF protection is on, or the flow&apos;s own client certificate list does not contain this subject and issuer.</source>
        <translation>Le tenant connaît l&apos;utilisateur du certificat (HTTP 403), mais cet utilisateur n&apos;a pas le rôle exigé par le canal émetteur du flux, ou la protection CSRF est activée, ou la liste de certificats client du flux ne contient pas ce sujet et cet émetteur.</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>No integration flow at this address</source>
        <translation>Aucun flux d&apos;intégration à cette adresse</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Authentication passed but nothing listens at this path (HTTP 404), or the host answered with a redirect or &apos;method not allowed&apos; instead of running a flow: a typo, a flow that is not deployed, /http versus /cxf, or the management host instead of the runtime host.</source>
        <translation>L&apos;authentification a réussi, mais rien n&apos;écoute sur ce chemin (HTTP 404), ou l&apos;hôte a répondu par une redirection ou «&#xa0;method not allowed&#xa0;» au lieu d&apos;exécuter un flux&#xa0;: faute de frappe, flux non déployé, /http au lieu de /cxf (ou l&apos;inverse), ou hôte de gestion au lieu de l&apos;hôte d&apos;exécution.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Check the endpoint address in the deployed flow (Monitor → Manage Integration Content shows the endpoint URL) and use the runtime host.</source>
        <translation>Vérifiez l&apos;adresse du point de terminaison dans le flux déployé (Surveiller → Gérer le contenu d&apos;intégration affiche l&apos;URL du point de terminaison) et utilisez l&apos;hôte d&apos;exécution.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The message is too large</source>
        <translation>Le message est trop volumineux</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The request is larger than the sender channel allows (HTTP 413).</source>
        <translation>La requête dépasse la taille autorisée par le canal émetteur (HTTP 413).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Send a smaller message or raise the maximum body size of the flow&apos;s sender channel.</source>
        <translation>Envoyez un message plus petit ou augmentez la taille maximale du corps dans le canal émetteur du flux.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The integration flow ran and failed</source>
        <translation>Le flux d&apos;intégration s&apos;est exécuté et a échoué</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Authentication and authorization passed; the flow itself ended in an error (HTTP 500, or another status the flow chose).</source>
        <translation>L&apos;authentification et l&apos;autorisation ont réussi&#xa0;; le flux lui-même s&apos;est terminé par une erreur (HTTP 500, ou un autre statut choisi par le flux).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Open the message processing log of this call (Monitor → Monitor Message Processing) for the error; the certificate setup is fine.</source>
        <translation>Ouvrez le journal de traitement des messages de cet appel (Surveiller → Surveiller le traitement des messages) pour voir l&apos;erreur&#xa0;; la configuration du certificat est correcte.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The runtime is not available</source>
        <translation>L&apos;environnement d&apos;exécution n&apos;est pas disponible</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant or the flow&apos;s runtime is not available right now (HTTP 502, 503, 504 or 429): being started, updated, overloaded, or the flow is not started.</source>
        <translation>Le tenant ou l&apos;environnement d&apos;exécution du flux n&apos;est pas disponible pour le moment (HTTP 502, 503, 504 ou 429)&#xa0;: démarrage, mise à jour, surcharge, ou flux non démarré.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Check the flow&apos;s deployment status and the tenant&apos;s health, then try again later.</source>
        <translation>Vérifiez l&apos;état de déploiement du flux et l&apos;état du tenant, puis réessayez plus tard.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The host cannot be reached</source>
        <translation>L&apos;hôte est injoignable</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No connection could be opened: the host name does not resolve, or the port refuses connections, or there is no route.</source>
        <translation>Aucune connexion n&apos;a pu être établie&#xa0;: le nom d&apos;hôte ne se résout pas, le port refuse les connexions, ou il n&apos;existe pas de route.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Check the host name and port (the runtime host, port 443), DNS, and whether a firewall or a company proxy (--proxy, HTTPS_PROXY) is needed.</source>
        <translation>Vérifiez le nom d&apos;hôte et le port (l&apos;hôte d&apos;exécution, port 443), le DNS, et si un pare-feu ou un proxy d&apos;entreprise (--proxy, HTTPS_PROXY) doit être pris en compte.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>No answer in time</source>
        <translation>Pas de réponse à temps</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The connection or the answer took longer than the time allowed: a firewall silently drops the traffic, a proxy is needed, or the flow takes longer than the timeout.</source>
        <translation>La connexion ou la réponse a dépassé le délai imparti&#xa0;: un pare-feu bloque le trafic sans rien signaler, un proxy est nécessaire, ou le flux dure plus longtemps que le délai d&apos;attente.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Check firewalls and proxies (--proxy, HTTPS_PROXY); for a slow flow, raise --timeout.</source>
        <translation>Vérifiez les pare-feu et les proxys (--proxy, HTTPS_PROXY)&#xa0;; pour un flux lent, augmentez --timeout.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The proxy refused the connection</source>
        <translation>Le proxy a refusé la connexion</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The HTTP proxy could not be used or would not open a tunnel (CONNECT) to the tenant.</source>
        <translation>Le proxy HTTP n&apos;a pas pu être utilisé ou n&apos;a pas voulu ouvrir de tunnel (CONNECT) vers le tenant.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Check the proxy address and credentials, and ask for CONNECT to the tenant host on port 443 to be allowed; bypass the proxy for this host with NO_PROXY if it is not needed.</source>
        <translation>Vérifiez l&apos;adresse et les identifiants du proxy, et demandez à autoriser CONNECT vers l&apos;hôte du tenant sur le port 443&#xa0;; contournez le proxy pour cet hôte avec NO_PROXY s&apos;il n&apos;est pas nécessaire.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No TLS session with this port</source>
        <translation>Pas de session TLS sur ce port</translation>
    </message>
</context>
<context>
    <name>workers</name>
    <message>
        <location filename="../wizard/ui/workers.py" line="-277"/>
        <source>Cancelled; nothing was written.</source>
        <translation>Annulé&#xa0;; rien n&apos;a été écrit.</translation>
    </message>
    <message>
        <location line="+107"/>
        <source>Something went wrong that is not your fault (%1). Please report it with the log; nothing half-written was kept.</source>
        <translation>Une erreur s&apos;est produite, qui n&apos;est pas de votre fait (%1). Merci de la signaler avec le journal&#xa0;; rien de partiellement écrit n&apos;a été conservé.</translation>
    </message>
</context>
</TS>
