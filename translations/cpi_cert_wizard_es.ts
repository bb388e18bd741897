<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es" sourcelanguage="en">
<context>
    <name>BusyBar</name>
    <message>
        <location filename="../wizard/ui/widgets/busy.py" line="+20"/>
        <source>Working</source>
        <translation>Procesando</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>(Cancel stops it.)</source>
        <translation>(Cancelar lo detiene.)</translation>
    </message>
</context>
<context>
    <name>CaEnrollPanel</name>
    <message>
        <location filename="../wizard/ui/widgets/ca_enroll_panel.py" line="+81"/>
        <source>Send to the company CA</source>
        <translation>Enviar a la CA de la empresa</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>If your company&apos;s CA offers Microsoft AD CS web enrollment (…/certsrv) or EST, the wizard sends the request and brings the certificate back. A request an administrator must approve is kept in the profile: come back later and ask again.</source>
        <translation>Si la CA de su empresa ofrece la inscripción web de Microsoft AD CS (…/certsrv) o EST, el asistente envía la solicitud y trae el certificado. Una solicitud que un administrador debe aprobar se guarda en el perfil: vuelva más tarde y pregunte de nuevo.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>AD CS web enrollment</source>
        <translation>Inscripción web de AD CS</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>EST (RFC 7030)</source>
        <translation>EST (RFC 7030)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>the template&apos;s short name</source>
        <translation>el nombre corto de la plantilla</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Template:</source>
        <translation>P&amp;lantilla:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;List</source>
        <translation>¿&amp;Qué plantillas hay?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ask the CA which templates it offers you</source>
        <translation>Preguntar a la CA qué plantillas le ofrece</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+7"/>
        <source>Templates the CA offers</source>
        <translation>Plantillas que ofrece la CA</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>DOMAIN\name</source>
        <translation>DOMINIO\nombre</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;User:</source>
        <translation>&amp;Usuario:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>kept in the keyring after it worked</source>
        <translation>se guarda en el llavero cuando haya funcionado</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pass&amp;word:</source>
        <translation>Contrase&amp;ña:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Send to the &amp;company CA</source>
        <translation>Enviar a la CA de la empre&amp;sa</translation>
    </message>
    <message>
        <location line="-33"/>
        <source>Kind o&amp;f CA:</source>
        <translation>&amp;Tipo de CA:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>CA a&amp;ddress:</source>
        <translation>Direcc&amp;ión de la CA:</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Sign &amp;in with:</source>
        <translation>Iniciar sesión c&amp;on:</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Ask th&amp;e CA again</source>
        <translation>Pre&amp;guntar de nuevo a la CA</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Kerberos (the logged-on user)</source>
        <translation>Kerberos (el usuario que ha iniciado sesión)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>NTLM (user and password)</source>
        <translation>NTLM (usuario y contraseña)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Basic (user and password)</source>
        <translation>Basic (usuario y contraseña)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>User and password (Basic)</source>
        <translation>Usuario y contraseña (Basic)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The current certificate (renewal)</source>
        <translation>El certificado actual (renovación)</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>The request is %1.</source>
        <translation>La solicitud está %1.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Sending the request to the company CA…</source>
        <translation>Enviando la solicitud a la CA de la empresa…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Asking the company CA…</source>
        <translation>Preguntando a la CA de la empresa…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Asking the CA for its templates…</source>
        <translation>Preguntando a la CA por sus plantillas…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The CA&apos;s request page lists no templates for you: ask the CA administrators for the template name and type it.</source>
        <translation>La página de solicitud de la CA no le muestra plantillas: pida el nombre de la plantilla a los administradores de la CA y escríbalo.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Still waiting for the CA</source>
        <translation>Todavía esperando a la CA</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The CA keeps the request pending</source>
        <translation>La CA mantiene la solicitud pendiente</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>An administrator must approve it. You can close the program: when you resume this sender system, ask the CA again here.</source>
        <translation>Un administrador debe aprobarla. Puede cerrar el programa: cuando reanude este sistema emisor, vuelva a preguntar a la CA aquí.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Issued to: %1</source>
        <translation>Emitido para: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Issued by: %1</source>
        <translation>Emitido por: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Valid until: %1</source>
        <translation>Válido hasta: %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The company CA issued the certificate</source>
        <translation>La CA de la empresa emitió el certificado</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The certificate and its chain are stored in the profile. Next shows them.</source>
        <translation>El certificado y su cadena están guardados en el perfil. Siguiente los muestra.</translation>
    </message>
</context>
<context>
    <name>CertWizard</name>
    <message>
        <location filename="../wizard/ui/wizard.py" line="+66"/>
        <source>SAP Cloud Integration: client certificate wizard</source>
        <translation>SAP Cloud Integration: asistente de certificados de cliente</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>&amp;Finish</source>
        <translation>&amp;Finalizar</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Back to the list of sender systems</source>
        <translation>Volver a la lista de sistemas emisores</translation>
    </message>
    <message>
        <location line="+76"/>
        <source>Discard what you typed?</source>
        <translation>¿Descartar lo que ha escrito?</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>What you typed on this page is not saved yet. Leave the page and lose it? Everything saved before stays in the profile.</source>
        <translation>Lo que ha escrito en esta página aún no está guardado. ¿Salir de la página y perderlo? Todo lo guardado antes se conserva en el perfil.</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>Stop what is running; nothing is written</source>
        <translation>Detener lo que está en curso; no se escribe nada</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Close the wizard</source>
        <translation>Cerrar el asistente</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Back to the list of sender systems; what is saved stays</source>
        <translation>Volver a la lista de sistemas emisores; lo guardado se conserva</translation>
    </message>
</context>
<context>
    <name>CertificateDetails</name>
    <message>
        <location filename="../wizard/ui/widgets/cert_details.py" line="+28"/>
        <source>Certificate details</source>
        <translation>Detalles del certificado</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>none</source>
        <translation>ninguno</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>yes</source>
        <translation>sí</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no</source>
        <translation>no</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Subject:</source>
        <translation>Sujeto:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Issuer:</source>
        <translation>Emisor:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Serial number:</source>
        <translation>Número de serie:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Valid from:</source>
        <translation>Válido desde:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Valid until:</source>
        <translation>Válido hasta:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Public key:</source>
        <translation>Clave pública:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Signature algorithm:</source>
        <translation>Algoritmo de firma:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Certificate authority:</source>
        <translation>Autoridad de certificación:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Self-signed:</source>
        <translation>Autofirmado:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Key usage:</source>
        <translation>Uso de la clave:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Extended key usage:</source>
        <translation>Uso extendido de la clave (EKU):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Subject alternative names:</source>
        <translation>Nombres alternativos del sujeto (SAN):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Authority key identifier:</source>
        <translation>Identificador de clave de la autoridad (AKI):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Subject key identifier:</source>
        <translation>Identificador de clave del sujeto (SKI):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>CA issuers (AIA):</source>
        <translation>Emisores de la CA (AIA):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>OCSP (AIA):</source>
        <translation>OCSP (AIA):</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>SHA-256 fingerprint:</source>
        <translation>Huella SHA-256:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SHA-1 fingerprint:</source>
        <translation>Huella SHA-1:</translation>
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
        <translation>Indique los archivos que le envió la CA (arrástrelos aquí o selecciónelos: .cer, .crt, .pem, .p7b, en cualquier orden) o pegue el texto PEM. El asistente comprueba que el certificado corresponde a la clave de este perfil, completa y comprueba la cadena, y lo guarda.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The CA&apos;s &amp;files:</source>
        <translation>Archivos de la &amp;CA:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Or &amp;paste the PEM text:</source>
        <translation>O &amp;pegue el texto PEM:</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Import and check</source>
        <translation>&amp;Importar y comprobar</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>C&amp;hain:</source>
        <translation>Ca&amp;dena:</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Reading the stored chain…</source>
        <translation>Leyendo la cadena guardada…</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>There are files in the list and pasted text: which is the CA&apos;s reply? Remove the files from the list, or clear the pasted text, then import.</source>
        <translation>Hay archivos en la lista y texto pegado: ¿cuál es la respuesta de la CA? Quite los archivos de la lista o borre el texto pegado y luego importe.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Checking the chain…</source>
        <translation>Comprobando la cadena…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The certificate is stored in the profile</source>
        <translation>El certificado está guardado en el perfil</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1, valid until %2.</source>
        <translation>%1, válido hasta %2.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>This reply was not imported; the profile is unchanged. Each problem and its fix is listed below.</source>
        <translation>Esta respuesta no se ha importado; el perfil no ha cambiado. Abajo se indica cada problema y su solución.</translation>
    </message>
</context>
<context>
    <name>ChainView</name>
    <message>
        <location filename="../wizard/ui/pages/trust.py" line="+59"/>
        <location filename="../wizard/ui/widgets/chain_view.py" line="+125"/>
        <source>leaf</source>
        <translation>hoja</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../wizard/ui/widgets/chain_view.py" line="+4"/>
        <source>intermediate</source>
        <translation>intermedio</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../wizard/ui/widgets/chain_view.py" line="-2"/>
        <source>root</source>
        <translation>raíz</translation>
    </message>
    <message>
        <location line="+7"/>
        <location filename="../wizard/ui/widgets/chain_view.py" line="-30"/>
        <source>sent by server</source>
        <translation>enviado por el servidor</translation>
    </message>
    <message>
        <location filename="../wizard/ui/widgets/chain_view.py" line="-61"/>
        <source>Certificate</source>
        <translation>Certificado</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Issued by</source>
        <translation>Emitido por</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Valid until</source>
        <translation>Válido hasta</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source</source>
        <translation>Origen</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Double-click a certificate for its details</source>
        <translation>Haga doble clic en un certificado para ver sus detalles</translation>
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
        <translation>Huella digital SHA-256: %1</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>CA reply</source>
        <translation>Respuesta de la CA</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>resolved from certifi (Mozilla&apos;s list)</source>
        <translation>obtenido de certifi (lista de Mozilla)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>resolved from the system store</source>
        <translation>obtenido del almacén del sistema</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>resolved from SAP&apos;s list</source>
        <translation>obtenido de la lista de SAP</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+3"/>
        <source>resolved from %1</source>
        <translation>obtenido de %1</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>downloaded from %1</source>
        <translation>descargado de %1</translation>
    </message>
</context>
<context>
    <name>ChooseSecretDialog</name>
    <message>
        <location filename="../wizard/ui/widgets/password_dialog.py" line="+26"/>
        <source>No keyring: choose a passphrase</source>
        <translation>Sin llavero: elija una frase de contraseña</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>At least 8 characters, typed twice. It is not stored anywhere: keep it safe, you will be asked for it once per session.</source>
        <translation>Al menos 8 caracteres, escrita dos veces. No se guarda en ningún sitio: consérvela en lugar seguro; se le pedirá una vez por sesión.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>&amp;Passphrase:</source>
        <translation>&amp;Frase de contraseña:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Repeat:</source>
        <translation>&amp;Repetir:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Show</source>
        <translation>&amp;Mostrar</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Too short: at least 8 characters.</source>
        <translation>Demasiado corta: al menos 8 caracteres.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The two entries differ.</source>
        <translation>Las dos entradas no coinciden.</translation>
    </message>
</context>
<context>
    <name>CopyableText</name>
    <message>
        <location filename="../wizard/ui/widgets/copyable.py" line="+30"/>
        <source>Copy</source>
        <translation>Copiar</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Save…</source>
        <translation>Guardar…</translation>
    </message>
</context>
<context>
    <name>ExportPage</name>
    <message>
        <location filename="../wizard/ui/pages/export.py" line="+86"/>
        <source>The PKCS#12 file (.p12) holds the private key, the certificate and the intermediates: it goes into the sender system&apos;s keystore. Its password only wraps it for the transport; keep the file itself safe.</source>
        <translation>El archivo PKCS#12 (.p12) contiene la clave privada, el certificado y los intermedios: va al almacén de claves del sistema emisor. Su contraseña solo lo protege durante el transporte; guarde el archivo en un lugar seguro.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Encryption</source>
        <translation>Cifrado</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Modern (recommended)</source>
        <translation>&amp;Moderno (recomendado)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Legacy, for old consumers</source>
        <translation>&amp;Heredado, para programas antiguos</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Include the &amp;root certificate</source>
        <translation>Incluir el certificado &amp;raíz</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Servers never need the root; some keystores want it to show a full chain.</source>
        <translation>Los servidores nunca necesitan la raíz; algunos almacenes de claves la piden para mostrar la cadena completa.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Alias (friendly name):</source>
        <translation>A&amp;lias (nombre descriptivo):</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Export</source>
        <translation>&amp;Exportar</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>PKCS#12 pass&amp;word:</source>
        <translation>Contra&amp;seña PKCS#12:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Show</source>
        <translation>Mos&amp;trar</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Copy password</source>
        <translation>&amp;Copiar contraseña</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Open folder</source>
        <translation>A&amp;brir carpeta</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Password of the .p12</source>
        <translation>Contraseña del .p12</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Generated by the wizard (recommended)</source>
        <translation>&amp;Generada por el asistente (recomendado)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>C&amp;hosen by me</source>
        <translation>Eleg&amp;ida por mí</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>&amp;Password:</source>
        <translation>Nue&amp;va contraseña:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Repeat &amp;it:</source>
        <translation>Re&amp;petir:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show &amp;typed</source>
        <translation>Ver lo escrit&amp;o</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>8 characters or more, on one line, typed twice. It is kept in the keyring like a generated one; the sender system&apos;s administrator needs it to import the file.</source>
        <translation>8 caracteres o más, en una sola línea, escrita dos veces. Se guarda en el llavero como una generada; el administrador del sistema emisor la necesita para importar el archivo.</translation>
    </message>
    <message numerus="yes">
        <location line="+27"/>
        <source>Too short: %n more character(s) needed.</source>
        <translation>
            <numerusform>Demasiado corta: falta %n carácter.</numerusform>
            <numerusform>Demasiado corta: faltan %n caracteres.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The password must be on one line.</source>
        <translation>La contraseña debe estar en una sola línea.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The two entries differ.</source>
        <translation>Las dos entradas no coinciden.</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Preparing…</source>
        <translation>Preparando…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Type your password twice (8 characters or more).</source>
        <translation>Escriba su contraseña dos veces (8 caracteres o más).</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Writing the PKCS#12 and the certificate files…</source>
        <translation>Escribiendo el PKCS#12 y los archivos de certificado…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Exported</source>
        <translation>Exportado</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>The password is kept in: %1.</source>
        <translation>La contraseña se guarda en: %1.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The password is not kept anywhere (%1).</source>
        <translation>La contraseña no se guarda en ningún sitio (%1).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Files:</source>
        <translation>Archivos:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>key, certificate and intermediates, for the sender&apos;s keystore</source>
        <translation>clave, certificado e intermedios, para el almacén de claves del emisor</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the certificate (DER), for the tenant (Neo mapping)</source>
        <translation>el certificado (DER), para el tenant (asignación en Neo)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the certificate (PEM), for the tenant (Cloud Foundry service key)</source>
        <translation>el certificado (PEM), para el tenant (clave de servicio de Cloud Foundry)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>certificate and intermediates (PEM), for curl and Postman</source>
        <translation>certificado e intermedios (PEM), para curl y Postman</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>• %1: %2</source>
        <translation>• %1: %2</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Password copied</source>
        <translation>Contraseña copiada</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paste it where the sender system asks for the PKCS#12 password.</source>
        <translation>Péguela donde el sistema emisor pida la contraseña del PKCS#12.</translation>
    </message>
</context>
<context>
    <name>FileDropList</name>
    <message>
        <location filename="../wizard/ui/widgets/file_drop.py" line="+59"/>
        <source>Drop the CA&apos;s files here</source>
        <translation>Arrastre aquí los archivos de la CA</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose files…</source>
        <translation>Seleccionar archivos…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remove</source>
        <translation>Quitar</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>The CA&apos;s reply</source>
        <translation>La respuesta de la CA</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificates (*.cer *.crt *.pem *.der *.p7b *.p7c *.p7 *.txt);;All files (*)</source>
        <translation>Certificados (*.cer *.crt *.pem *.der *.p7b *.p7c *.p7 *.txt);;Todos los archivos (*)</translation>
    </message>
</context>
<context>
    <name>KeyPage</name>
    <message>
        <location filename="../wizard/ui/pages/key.py" line="+140"/>
        <source>The key pair is made on this computer and never leaves it; the CA only sees the request (CSR). Only the common name is required: it may be any name the tenant administrators recognise, without leading or trailing spaces.</source>
        <translation>El par de claves se genera en este ordenador y nunca sale de él; la CA solo ve la solicitud (CSR). Solo el nombre común es obligatorio: puede ser cualquier nombre que reconozcan los administradores del tenant, sin espacios al principio ni al final.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Common name (CN):</source>
        <translation>Nombre co&amp;mún (CN):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Organizational &amp;unit (OU):</source>
        <translation>&amp;Unidad organizativa (OU):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Organization (O):</source>
        <translation>&amp;Organización (O):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Locality (L):</source>
        <translation>&amp;Localidad (L):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;State or province (ST):</source>
        <translation>&amp;Estado o provincia (ST):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Countr&amp;y (C):</source>
        <translation>&amp;País (C):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-&amp;mail address:</source>
        <translation>Co&amp;rreo electrónico:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Subject</source>
        <translation>Sujeto</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>optional, e.g. DNS:erp.example.com, email:it@x.com</source>
        <translation>opcional, p. ej. DNS:erp.example.com, email:it@x.com</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Subject &amp;alternative names:</source>
        <translation>Nombres alternati&amp;vos del sujeto:</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>RSA 2048 bits (oldest senders)</source>
        <translation>RSA 2048 bits (emisores más antiguos)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>RSA 3072 bits (recommended)</source>
        <translation>RSA 3072 bits (recomendado)</translation>
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
        <translation>&amp;Tipo de clave:</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Generate key and request</source>
        <translation>&amp;Generar clave y solicitud</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Certificate &amp;request (CSR):</source>
        <translation>Solicitud de certificado (&amp;CSR):</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Send this request to your CA and ask for a client authentication certificate (Extended Key Usage clientAuth), delivered with the whole chain, from a CA whose root is on SAP&apos;s list of trusted client roots. A certificate sold as a TLS/SSL server certificate may lack clientAuth: SAP then rejects it.</source>
        <translation>Envíe esta solicitud a su CA y pida un certificado de autenticación de cliente (Extended Key Usage clientAuth), entregado con la cadena completa, de una CA cuya raíz figure en la lista de raíces de cliente de confianza de SAP. Un certificado vendido como certificado de servidor TLS/SSL puede carecer de clientAuth: SAP lo rechaza.</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Reading the profile…</source>
        <translation>Leyendo el perfil…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Renewal: a new key with the same subject</source>
        <translation>Renovación: una clave nueva con el mismo sujeto</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The current key, request and certificate are moved to the profile&apos;s archive folder; the current certificate keeps working until the sender uses the new one.</source>
        <translation>La clave, la solicitud y el certificado actuales se mueven a la carpeta de archivado del perfil; el certificado actual sigue funcionando hasta que el emisor use el nuevo.</translation>
    </message>
    <message>
        <location line="+93"/>
        <source>Generating the key pair…</source>
        <translation>Generando el par de claves…</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Subject: %1. Key: %2.</source>
        <translation>Sujeto: %1. Clave: %2.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>nowhere (no keyring: %1)</source>
        <translation>ningún llavero (no hay ninguno: %1)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Saved: the request in %1, the encrypted key in %2; its passphrase is kept in %3. Once you go on, this key stays; for another one later, use Renew on the start page.</source>
        <translation>Guardado: la solicitud en %1, la clave cifrada en %2; su frase de contraseña se guarda en %3. Al continuar, esta clave se mantiene; para otra más adelante, use Renovar en la página de inicio.</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>the keyring</source>
        <translation>el llavero</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Save the certificate request</source>
        <translation>Guardar la solicitud de certificado</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificate requests (*.csr *.pem)</source>
        <translation>Solicitudes de certificado (*.csr *.pem)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Saving…</source>
        <translation>Guardando…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Saved %1</source>
        <translation>Guardado %1</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Key generation cancelled</source>
        <translation>Generación de clave cancelada</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No key and no request were written. Change what you like and generate again.</source>
        <translation>No se ha escrito ninguna clave ni solicitud. Cambie lo que quiera y vuelva a generar.</translation>
    </message>
</context>
<context>
    <name>Page</name>
    <message>
        <location filename="../wizard/ui/pages/base.py" line="+121"/>
        <source>Step %1 of %2</source>
        <translation>Paso %1 de %2</translation>
    </message>
    <message>
        <location line="+90"/>
        <source>Too late to cancel: the result is being saved…</source>
        <translation>Demasiado tarde para cancelar: se está guardando el resultado…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancelled; nothing was written.</source>
        <translation>Cancelado; no se ha escrito nada.</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>This needs your attention</source>
        <translation>Esto requiere su atención</translation>
    </message>
</context>
<context>
    <name>SecretPrompt</name>
    <message>
        <location filename="../wizard/ui/workers.py" line="+313"/>
        <source>Passphrase needed</source>
        <translation>Se necesita la frase de contraseña</translation>
    </message>
</context>
<context>
    <name>StartPage</name>
    <message>
        <location filename="../wizard/ui/pages/start_shell.py" line="+22"/>
        <source>Each sender system (an SAP system, a Java or .NET application, Postman…) gets a profile: its key, its certificate, and the tenant it calls.</source>
        <translation>Cada sistema emisor (un sistema SAP, una aplicación Java o .NET, Postman…) tiene un perfil: su clave, su certificado y el tenant al que llama.</translation>
    </message>
    <message>
        <location filename="../wizard/ui/pages/start.py" line="+138"/>
        <source>&amp;Sender systems:</source>
        <translation>Sistemas &amp;emisores:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Filter:</source>
        <translation>&amp;Filtro:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>name, host, subject, state…</source>
        <translation>nombre, host, sujeto, estado…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Environment</source>
        <translation>Entorno</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tenant host</source>
        <translation>Host del tenant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subject CN</source>
        <translation>CN del sujeto</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expires</source>
        <translation>Caduca</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SAP-signed</source>
        <translation>Firmado por SAP</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>No sender systems yet. Start with a new one, or try the whole flow first with the sandbox tenant: it runs on this computer and needs no SAP account.</source>
        <translation>Aún no hay sistemas emisores. Cree uno nuevo o pruebe antes todo el proceso con el tenant sandbox: se ejecuta en este ordenador y no necesita cuenta de SAP.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>&amp;Resume</source>
        <translation>&amp;Reanudar</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Re&amp;move…</source>
        <translation>E&amp;liminar…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Certificate &amp;details…</source>
        <translation>&amp;Detalles del certificado…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Subject, issuer, validity, key, extensions and fingerprints</source>
        <translation>Sujeto, emisor, validez, clave, extensiones y huellas digitales</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Try it with the sandbox tenant</source>
        <translation>&amp;Probar con el tenant sandbox</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A new key and request with the same subject, for a new certificate</source>
        <translation>Una clave y una solicitud nuevas con el mismo sujeto, para un certificado nuevo</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Deletes the profile&apos;s folder and its keyring entries</source>
        <translation>Borra la carpeta del perfil y sus entradas del llavero</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>&amp;Language:</source>
        <translation>&amp;Idioma:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>System default</source>
        <translation>Idioma del sistema</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Saved. The new language is used the next time the wizard starts.</source>
        <translation>Guardado. El nuevo idioma se usará la próxima vez que se inicie el asistente.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Client roots judged against:</source>
        <translation>Raíces de cliente evaluadas según:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add r&amp;oots file…</source>
        <translation>Añadir arc&amp;hivo de raíces…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Use SAP&apos;s l&amp;ist only</source>
        <translation>Solo la lis&amp;ta de SAP</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A PEM file of root certificates that SAP&apos;s pages name but the bundled list lacks: they count as accepted from now on</source>
        <translation>Un archivo PEM de certificados raíz que las páginas de SAP nombran pero que faltan en la lista incluida: a partir de ahora cuentan como aceptados</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>SAP&apos;s bundled list plus %1</source>
        <translation>Lista de SAP incluida más %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>SAP&apos;s bundled list (BTP trust store)</source>
        <translation>Lista de SAP incluida (almacén de confianza de BTP)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Roots to add to SAP&apos;s list</source>
        <translation>Raíces que añadir a la lista de SAP</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>Certificados (*.pem *.crt *.cer);;Todos los archivos (*)</translation>
    </message>
    <message>
        <location line="+140"/>
        <source>%1 (expired)</source>
        <translation>%1 (caducado)</translation>
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
        <translation>no se puede leer</translation>
    </message>
    <message>
        <location line="-260"/>
        <source>Ne&amp;w sender system</source>
        <translation>N&amp;uevo sistema emisor</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ren&amp;ew</source>
        <translation>Reno&amp;var</translation>
    </message>
    <message>
        <location line="+242"/>
        <source>Reading the profiles… %1 of %2</source>
        <translation>Leyendo los perfiles… %1 de %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 of %2 shown</source>
        <translation>Mostrando %1 de %2</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>yes, SAP renews it</source>
        <translation>sí, SAP lo renueva</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>yes, renewed by hand</source>
        <translation>sí, se renueva manualmente</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>yes</source>
        <comment>signed by SAP</comment>
        <translation>sí</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Signed by SAP through the subaccount&apos;s Destination service</source>
        <translation>Firmado por SAP mediante el servicio Destination de la subcuenta</translation>
    </message>
    <message numerus="yes">
        <location line="+17"/>
        <source>%n day(s) left</source>
        <translation>
            <numerusform>queda %n día</numerusform>
            <numerusform>quedan %n días</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>new</source>
        <translation>nuevo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>waiting for the CA</source>
        <translation>esperando a la CA</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>certificate imported</source>
        <translation>certificado importado</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>entered in the tenant</source>
        <translation>registrado en el tenant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>tested</source>
        <translation>probado</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>The sandbox tenant is already running in this window: resume its profile from the list (its name starts with sandbox-demo).</source>
        <translation>El tenant sandbox ya se está ejecutando en esta ventana: reanude su perfil desde la lista (su nombre empieza por sandbox-demo).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Walk the whole flow with a tenant that runs on this computer</source>
        <translation>Recorrer todo el proceso con un tenant que se ejecuta en este equipo</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>No keyring: secrets are not stored</source>
        <translation>Sin llavero: los secretos no se guardan</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No usable OS keyring was found (on Linux a SecretService such as GNOME Keyring or KWallet, unlocked). The wizard will ask you for the key passphrase and the PKCS#12 password when it needs them; keep them somewhere safe.</source>
        <translation>No se ha encontrado ningún llavero del sistema operativo utilizable (en Linux, un SecretService como GNOME Keyring o KWallet, desbloqueado). El asistente le pedirá la frase de contraseña de la clave y la contraseña del PKCS#12 cuando las necesite; guárdelas en un lugar seguro.</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>Reading the certificate of %1…</source>
        <translation>Leyendo el certificado de %1…</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Opening %1…</source>
        <translation>Abriendo %1…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Remove sender system</source>
        <translation>Eliminar sistema emisor</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remove the profile %1? Its folder (key, certificate, PKCS#12 and the other files) and its keyring entries are deleted. Copies you gave to the sender system or the tenant are not touched.</source>
        <translation>¿Eliminar el perfil %1? Se borran su carpeta (clave, certificado, PKCS#12 y demás archivos) y sus entradas del llavero. Las copias entregadas al sistema emisor o al tenant no se tocan.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Removing %1…</source>
        <translation>Eliminando %1…</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Starting the sandbox tenant…</source>
        <translation>Iniciando el tenant sandbox…</translation>
    </message>
</context>
<context>
    <name>SummaryPage</name>
    <message>
        <location filename="../wizard/ui/pages/summary.py" line="+70"/>
        <source>&amp;Which file goes where:</source>
        <translation>&amp;Qué archivo va dónde:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>File</source>
        <translation>Archivo</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Contains</source>
        <translation>Contiene</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Goes to</source>
        <translation>Destino</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>&amp;Your sender:</source>
        <translation>S&amp;u sistema emisor:</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Add &amp;reminder to calendar…</source>
        <translation>Añadir &amp;recordatorio al calendario…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Open the folder</source>
        <translation>A&amp;brir la carpeta</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>%1 is set up: the test call went through.</source>
        <translation>%1 está configurado: la llamada de prueba ha funcionado.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 is not set up yet: the last test call failed: %2</source>
        <translation>%1 aún no está configurado: la última llamada de prueba falló: %2</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1: not tested yet.</source>
        <translation>%1: aún sin probar.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Go back to step %1: %2</source>
        <translation>&amp;Volver al paso %1: %2</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The certificate expires on %1. Renew it before then: Renew on the start page makes a new key and request with the same subject.</source>
        <translation>El certificado caduca el %1. Renuévelo antes: Renovar en la página de inicio genera una clave y una solicitud nuevas con el mismo sujeto.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>All files are in %1.</source>
        <translation>Todos los archivos están en %1.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Listing the files…</source>
        <translation>Listando los archivos…</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>Save the calendar reminder</source>
        <translation>Guardar el recordatorio de calendario</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Calendar files (*.ics)</source>
        <translation>Archivos de calendario (*.ics)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Renew the client certificate of %1</source>
        <translation>Renovar el certificado de cliente de %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The certificate %1 expires on %2 (in %3 days from this reminder). Open cpi-cert-wizard, choose %4 and Renew.</source>
        <translation>El certificado %1 caduca el %2 (%3 días después de este recordatorio). Abra cpi-cert-wizard, seleccione %4 y Renovar.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Writing the reminder…</source>
        <translation>Escribiendo el recordatorio…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Reminder saved</source>
        <translation>Recordatorio guardado</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open %1 with your calendar to add it.</source>
        <translation>Abra %1 con su calendario para añadirlo.</translation>
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
        <translation>&amp;Entorno:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Certificate-to-User Mapping or service key (recommended)</source>
        <translation>Asignación de certificado a usuario o clave de servicio (recomendado)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificate in the integration flow (not recommended: every renewal needs a redeploy)</source>
        <translation>Certificado en el flujo de integración (no recomendado: cada renovación exige volver a desplegar)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;How the tenant checks the certificate:</source>
        <translation>&amp;Cómo comprueba el tenant el certificado:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;User the certificate maps to:</source>
        <translation>&amp;Usuario asignado al certificado:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Roles of the sender channel:</source>
        <translation>&amp;Roles del canal emisor:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Service &amp;instance:</source>
        <translation>&amp;Instancia de servicio:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Service &amp;key name:</source>
        <translation>Nombre de la c&amp;lave de servicio:</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Up&amp;date</source>
        <translation>Ac&amp;tualizar</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Do it in the &amp;sandbox tenant</source>
        <translation>Hacerlo en el tenant &amp;sandbox</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Checklist: tick what you have done</source>
        <translation>Lista de comprobación: marque lo que ya ha hecho</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Publish through the tenant&apos;s API (optional)</source>
        <translation>Publicar mediante la API del tenant (opcional)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Management host:</source>
        <translation>Host de &amp;gestión:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>API u&amp;ser:</source>
        <translation>Usuari&amp;o de API:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>API pass&amp;word:</source>
        <translation>Contraseña &amp;de API:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Publish</source>
        <translation>&amp;Publicar</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>Second option, not recommended: the integration flow&apos;s sender channel checks the certificate itself (Authorization = Client Certificate). Upload client.crt there or type its Subject DN and Issuer DN, then deploy the flow. Every renewal means editing and redeploying the flow.</source>
        <translation>Segunda opción, no recomendada: el canal emisor del flujo de integración comprueba él mismo el certificado (Autorización = Certificado de cliente). Cargue allí client.crt o introduzca su Subject DN e Issuer DN, y despliegue el flujo. Cada renovación obliga a editar el flujo y volver a desplegarlo.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Neo: upload the client certificate in Certificate-to-User Mappings with a user name (any name), then give that user the sender channel&apos;s role.</source>
        <translation>Neo: cargue el certificado de cliente en Asignaciones de certificado a usuario con un nombre de usuario (cualquiera) y asigne a ese usuario el rol del canal emisor.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cloud Foundry: a Process Integration Runtime instance (plan integration-flow) holds the roles; a service key of type External Certificate holds the leaf certificate. The key&apos;s client id becomes the user.</source>
        <translation>Cloud Foundry: una instancia de Process Integration Runtime (plan integration-flow) contiene los roles; una clave de servicio de tipo External Certificate contiene el certificado de hoja. El ID de cliente de la clave pasa a ser el usuario.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Preparing the certificate for the integration flow…</source>
        <translation>Preparando el certificado para el flujo de integración…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Preparing the tenant entry…</source>
        <translation>Preparando el registro en el tenant…</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Sub&amp;ject DN to type into the sender channel:</source>
        <translation>Su&amp;bject DN para el canal emisor:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Issuer DN:</source>
        <translation>Issuer D&amp;N:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Or upload this file in the sender channel (Authorization = Client Certificate → Add → Select): %1</source>
        <translation>O cargue este archivo en el canal emisor (Autorización = Certificado de cliente → Añadir → Seleccionar): %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>B&amp;ody for the mapping API (the tenant will show Id %1):</source>
        <translation>Cuerpo &amp;JSON para la API de asignación (el tenant mostrará el Id %1):</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Service key &amp;parameters (External Certificate):</source>
        <translation>&amp;Parámetros de la clave de servicio (External Certificate):</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Certificate &amp;file to upload:</source>
        <translation>Archivo de certi&amp;ficado que cargar:</translation>
    </message>
    <message>
        <location line="-217"/>
        <source>Key validity:</source>
        <translation>Validez de la clave:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not set for an External Certificate service key: SAP documents a validity only for keys SAP generates; this key is valid as long as the certificate itself.</source>
        <translation>No se define para una clave de servicio External Certificate: SAP documenta una validez solo para las claves que genera SAP; esta clave es válida mientras lo sea el propio certificado.</translation>
    </message>
    <message>
        <location line="+219"/>
        <source>cf &amp;commands (run them in the profile folder):</source>
        <translation>Comandos cf (e&amp;jecútelos en la carpeta del perfil):</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Make the test call on the next page (Test call).</source>
        <translation>Haga la llamada de prueba en la página siguiente (Llamada de prueba).</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Mapping the certificate in the sandbox…</source>
        <translation>Asignando el certificado en el sandbox…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The sandbox tenant knows the certificate</source>
        <translation>El tenant sandbox conoce el certificado</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mapped to user %1 with the roles %2.</source>
        <translation>Asignado al usuario %1 con los roles %2.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Give the management host, the API user and its password to publish.</source>
        <translation>Indique el host de gestión, el usuario de API y su contraseña para publicar.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Publishing the mapping…</source>
        <translation>Publicando la asignación…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Published</source>
        <translation>Publicado</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The tenant stored the mapping with Id %1 for user %2.</source>
        <translation>El tenant guardó la asignación con el Id %1 para el usuario %2.</translation>
    </message>
</context>
<context>
    <name>TenantPage</name>
    <message>
        <location filename="../wizard/ui/pages/tenant.py" line="+58"/>
        <source>Name the sender system (the system that will call the tenant) and paste the endpoint URL of the integration flow, or just the tenant&apos;s runtime host.</source>
        <translation>Dé un nombre al sistema emisor (el sistema que llamará al tenant) y pegue la URL del punto final del flujo de integración, o solo el host de tiempo de ejecución del tenant.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>for example ERP-PRD</source>
        <translation>por ejemplo ERP-PRD</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Detect from the host</source>
        <translation>Detectar a partir del host</translation>
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
        <translation>Nombre del &amp;perfil:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Endpoint URL or host:</source>
        <translation>&amp;URL del punto final o host:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>En&amp;vironment:</source>
        <translation>&amp;Entorno:</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>This is the sandbox tenant: it runs inside this program on 127.0.0.1 and behaves like a Neo tenant, with its own demo CA. Nothing leaves this computer.</source>
        <translation>Este es el tenant sandbox: se ejecuta dentro de este programa en 127.0.0.1 y se comporta como un tenant Neo, con su propia CA de demostración. Nada sale de este ordenador.</translation>
    </message>
    <message>
        <location line="+40"/>
        <location line="+30"/>
        <source>Give the profile a name.</source>
        <translation>Dé un nombre al perfil.</translation>
    </message>
    <message>
        <location line="-21"/>
        <location line="+34"/>
        <source>Paste the endpoint URL or the host.</source>
        <translation>Pegue la URL del punto final o el host.</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Note: the host looks like %1, not %2.</source>
        <translation>Nota: el host parece %1, no %2.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Detected from the host: %1.</source>
        <translation>Detectado a partir del host: %1.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The host does not tell; fetching the tenant&apos;s root on the next page may, or choose it here.</source>
        <translation>El host no lo indica; puede indicarlo la obtención de la raíz del tenant en la página siguiente, o selecciónelo aquí.</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Saving the profile…</source>
        <translation>Guardando el perfil…</translation>
    </message>
</context>
<context>
    <name>TestCallPage</name>
    <message>
        <location filename="../wizard/ui/pages/test_call.py" line="+85"/>
        <source>The wizard calls the endpoint the way the sender system will: with the key, the certificate and all intermediates, trusting the tenant&apos;s root.</source>
        <translation>El asistente llama al punto final igual que lo hará el sistema emisor: con la clave, el certificado y todos los intermedios, confiando en la raíz del tenant.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Endpoint URL:</source>
        <translation>&amp;URL del punto final:</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+31"/>
        <source>&amp;Call</source>
        <translation>&amp;Llamar</translation>
    </message>
    <message>
        <location line="-30"/>
        <source>Open an &amp;access log…</source>
        <translation>Abrir un lo&amp;g de acceso…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>E&amp;vidence:</source>
        <translation>E&amp;videncias:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The same call with c&amp;url:</source>
        <translation>La misma llamada con cu&amp;rl:</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>&amp;Retry</source>
        <translation>Rein&amp;tentar</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>Calling the endpoint…</source>
        <translation>Llamando al punto final…</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>The call was abandoned.</source>
        <translation>Se ha abandonado la llamada.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>SAP HTTP access log</source>
        <translation>Log de acceso HTTP de SAP</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Access logs (http_access_*.log *.log *.gz);;All files (*)</source>
        <translation>Logs de acceso (http_access_*.log *.log *.gz);;Todos los archivos (*)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Reading the access log…</source>
        <translation>Leyendo el log de acceso…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The log has no calls to this endpoint.</source>
        <translation>El log no contiene llamadas a este punto final.</translation>
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
        <translation>la raíz del tenant</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The sender system must trust the tenant&apos;s load balancer. The wizard reads the certificate chain the tenant presents and finds its root: that root goes into the sender&apos;s trust store.</source>
        <translation>El sistema emisor debe confiar en el equilibrador de carga del tenant. El asistente lee la cadena de certificados que presenta el tenant y encuentra su raíz: esa raíz va al almacén de confianza del emisor.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Where the root goes: SAP ABAP (STRUST): SSL client PSE → Import certificate → Add to Certificate List. Java: keytool -importcert -keystore truststore.jks -file tenant-root.cer. Postman: Settings → Certificates → CA certificates → tenant-root.pem.</source>
        <translation>Dónde va la raíz: SAP ABAP (STRUST): PSE de cliente SSL → Importar certificado → Añadir a lista de certificados. Java: keytool -importcert -keystore truststore.jks -file tenant-root.cer. Postman: Settings → Certificates → CA certificates → tenant-root.pem.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Fetch the chain again</source>
        <translation>&amp;Volver a obtener la cadena</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Save root as .&amp;pem…</source>
        <translation>Guardar raíz como .&amp;pem…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Chain presented by the tenant:</source>
        <translation>Ca&amp;dena presentada por el tenant:</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Skip for now: I will get the root another way (SAP&apos;s Connectivity Test)</source>
        <translation>&amp;Omitir por ahora: obtendré la raíz de otro modo (prueba de conectividad de SAP)</translation>
    </message>
    <message>
        <location line="-16"/>
        <source>Save root as .c&amp;er…</source>
        <translation>Guardar raíz como .c&amp;er…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Save this root &amp;anyway…</source>
        <translation>Guardar esta raíz de &amp;todos modos…</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Reading the chain of %1…</source>
        <translation>Leyendo la cadena de %1…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The tenant&apos;s chain could not be read</source>
        <translation>No se ha podido leer la cadena del tenant</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Go Back to correct the URL, fetch again, or tick Skip to go on without it.</source>
        <translation>Vuelva Atrás para corregir la URL, vuelva a obtener la cadena o marque Omitir para continuar sin ella.</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>The root %1 is saved in %2 as tenant-root.cer and tenant-root.pem: it goes into the sender system&apos;s trust store.</source>
        <translation>La raíz %1 está guardada en %2 como tenant-root.cer y tenant-root.pem: va al almacén de confianza del sistema emisor.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>This chain does not come from SAP: its root is known to no public list, as when a company proxy inspects TLS and shows its own certificate. Saving it would make the sender trust the proxy, not the tenant. Nothing was saved.</source>
        <translation>Esta cadena no viene de SAP: su raíz no figura en ninguna lista pública, como cuando un proxy de la empresa inspecciona el TLS y presenta su propio certificado. Guardarla haría que el emisor confiara en el proxy, no en el tenant. No se ha guardado nada.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This chain is not valid for the tenant&apos;s host (see above): it may come from a proxy or another server. Nothing was saved; the sender must not trust it as the tenant&apos;s root.</source>
        <translation>Esta cadena no es válida para el host del tenant (véase arriba): puede venir de un proxy o de otro servidor. No se ha guardado nada; el emisor no debe confiar en ella como raíz del tenant.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Save a root that did not check out?</source>
        <translation>¿Guardar una raíz que no se ha podido validar?</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The chain of %1 did not check out. If you save its root %2, the sender system will trust whoever presented it, which may be a proxy and not SAP. Save it only when you know this server is the tenant (for example a tenant behind your own load balancer).</source>
        <translation>La cadena de %1 no se ha podido validar. Si guarda su raíz %2, el sistema emisor confiará en quien la presentó, que puede ser un proxy y no SAP. Guárdela solo si sabe que este servidor es el tenant (por ejemplo, un tenant detrás de su propio balanceador de carga).</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Fetching cancelled; nothing was saved.</source>
        <translation>Obtención cancelada; no se ha guardado nada.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fetch again, or tick Skip to go on without the root.</source>
        <translation>Vuelva a obtener la cadena o marque Omitir para continuar sin la raíz.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Save the tenant root</source>
        <translation>Guardar la raíz del tenant</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificates (*%1)</source>
        <translation>Certificados (*%1)</translation>
    </message>
    <message>
        <location line="-24"/>
        <location line="+31"/>
        <source>Saving…</source>
        <translation>Guardando…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Saved %1</source>
        <translation>Guardado %1</translation>
    </message>
</context>
<context>
    <name>VerdictBanner</name>
    <message>
        <location filename="../wizard/ui/widgets/verdict.py" line="+49"/>
        <source>Next step: </source>
        <translation>Siguiente paso: </translation>
    </message>
</context>
<context>
    <name>WaitingPage</name>
    <message>
        <location filename="../wizard/ui/pages/waiting.py" line="+127"/>
        <source>Send the request to your CA and wait for the signed certificate. This can take days: you can close the program now. When you open it again, choose this sender system and Resume; you will come back to this page.</source>
        <translation>Envíe la solicitud a su CA y espere el certificado firmado. Puede tardar días: ya puede cerrar el programa. Cuando vuelva a abrirlo, seleccione este sistema emisor y Reanudar; volverá a esta página.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Certificate &amp;request (CSR):</source>
        <translation>Solicitud de certificado (&amp;CSR):</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Ask for: a client authentication certificate (Extended Key Usage clientAuth), with the whole chain (intermediates), from a CA whose root is on SAP&apos;s list. Any file format the CA sends is fine: .cer, .crt, .pem, .p7b.</source>
        <translation>Pida: un certificado de autenticación de cliente (Extended Key Usage clientAuth), con la cadena completa (intermedios), de una CA cuya raíz figure en la lista de SAP. Sirve cualquier formato de archivo que envíe la CA: .cer, .crt, .pem, .p7b.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Open the profile folder</source>
        <translation>A&amp;brir la carpeta del perfil</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Sign with the sandbox CA</source>
        <translation>&amp;Firmar con la CA sandbox</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Or have SAP sign it</source>
        <translation>O haga que SAP lo firme</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP&apos;s Destination service (SAP BTP, Cloud Foundry) signs this request under SAP Cloud Root CA, with client authentication. You need a service key of a Destination service instance (plan lite), downloaded as a .json file from the BTP cockpit.</source>
        <translation>El servicio Destination de SAP (SAP BTP, Cloud Foundry) firma esta solicitud bajo SAP Cloud Root CA, con autenticación de cliente. Necesita una clave de servicio de una instancia del servicio Destination (plan lite), descargada como archivo .json desde el cockpit de BTP.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Destination service &amp;key:</source>
        <translation>Clave de servicio de &amp;Destination:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The service key file (.json)</source>
        <translation>El archivo de la clave de servicio (.json)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>C&amp;hoose…</source>
        <translation>S&amp;eleccionar…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Validity:</source>
        <translation>&amp;Validez:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Validity unit</source>
        <translation>Unidad de validez</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>(1 day to 1 year)</source>
        <translation>(de 1 día a 1 año)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Let SAP renew it &amp;automatically</source>
        <translation>Permitir que SAP lo &amp;renueve automáticamente</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Before anything is sent:</source>
        <translation>Antes de enviar nada:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Have SAP si&amp;gn it</source>
        <translation>Hacer que SAP lo fir&amp;me</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Re&amp;place SAP&apos;s certificate of that name</source>
        <translation>Reem&amp;plazar el certificado de SAP con ese nombre</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>The request is %1.</source>
        <translation>La solicitud es %1.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Reading the request…</source>
        <translation>Leyendo la solicitud…</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>The sandbox CA is signing…</source>
        <translation>La CA sandbox está firmando…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The sandbox CA answered</source>
        <translation>La CA sandbox ha respondido</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Its reply is %1 (leaf and intermediate, PKCS#7). On the next step, Import and check reads it.</source>
        <translation>Su respuesta es %1 (hoja e intermedio, PKCS#7). En el paso siguiente, «Importar y comprobar» la lee.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Destination service key</source>
        <translation>Clave de servicio de Destination</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Service keys (*.json);;All files (*)</source>
        <translation>Claves de servicio (*.json);;Todos los archivos (*)</translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source>day(s)</source>
        <comment>validity unit</comment>
        <translation>
            <numerusform>día</numerusform>
            <numerusform>días</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>month(s)</source>
        <comment>validity unit</comment>
        <translation>
            <numerusform>mes</numerusform>
            <numerusform>meses</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>year(s)</source>
        <comment>validity unit</comment>
        <translation>
            <numerusform>año</numerusform>
            <numerusform>años</numerusform>
        </translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Connecting to SAP…</source>
        <translation>Conectando con SAP…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>SAP is signing the request…</source>
        <translation>SAP está firmando la solicitud…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>on</source>
        <translation>activada</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>off</source>
        <translation>desactivada</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Issued to: %1</source>
        <translation>Emitido para: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Issued by: %1</source>
        <translation>Emitido por: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Valid until: %1</source>
        <translation>Válido hasta: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Automatic renewal by SAP: %1</source>
        <translation>Renovación automática por SAP: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SHA-256: %1</source>
        <translation>SHA-256: %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>SAP signed the request</source>
        <translation>SAP ha firmado la solicitud</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The certificate and its chain are stored in the profile. Next shows them.</source>
        <translation>El certificado y su cadena se han guardado en el perfil. Pulse Siguiente para verlos.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>SAP&apos;s certificate was not imported; the profile is unchanged. Each problem and its fix is listed below.</source>
        <translation>No se ha importado el certificado de SAP; el perfil no ha cambiado. Abajo se indican cada problema y su solución.</translation>
    </message>
</context>
<context>
    <name>accesslog</name>
    <message>
        <location filename="../wizard/core/accesslog.py" line="+192"/>
        <source>{text!r} is not a time this command understands. Use an ISO date or time (2021-04-12 or 2021-04-12T10:30, UTC unless it names a zone), a log timestamp (12/Apr/2021:10:30:00 +0000) or a span back from now (30m, 2h, 7d).</source>
        <translation>{text!r} no es una hora que este comando entienda. Indique una fecha u hora ISO (2021-04-12 o 2021-04-12T10:30, UTC salvo que indique una zona), una marca de tiempo del registro (12/Apr/2021:10:30:00 +0000) o un intervalo hacia atrás desde ahora (30m, 2h, 7d).</translation>
    </message>
    <message>
        <location line="+103"/>
        <source>an http_access_*.log file</source>
        <translation>un archivo http_access_*.log</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>not an access log: none of its lines has the shape of an http_access_*.log line</source>
        <translation>no es un registro de acceso: ninguna de sus líneas tiene la forma de una línea de http_access_*.log</translation>
    </message>
</context>
<context>
    <name>aia</name>
    <message>
        <location filename="../wizard/core/aia.py" line="+55"/>
        <source>the AIA address {url} sent more than {size} KB, which is not an issuer certificate</source>
        <translation>la dirección AIA {url} envió más de {size} KB, lo que no es un certificado de emisor</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>the AIA address {url} did not answer within {timeout:g} s</source>
        <translation>la dirección AIA {url} no respondió en {timeout:g} s</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the AIA address {url} answered HTTP {status}</source>
        <translation>la dirección AIA {url} respondió HTTP {status}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the AIA address {url} could not be fetched ({reason})</source>
        <translation>no se pudo obtener la dirección AIA {url} ({reason})</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the AIA address {url} sent no valid answer ({reason})</source>
        <translation>la dirección AIA {url} no envió una respuesta válida ({reason})</translation>
    </message>
</context>
<context>
    <name>analyze_log</name>
    <message>
        <location filename="../wizard/commands/analyze_log.py" line="+74"/>
        <source>{text!r} is not a span; give seconds, minutes or hours like 90s, 5m or 1h.</source>
        <translation>{text!r} no es un intervalo de tiempo; indique segundos, minutos u horas, como 90s, 5m o 1h.</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>--around last-test needs --profile (whose last test call counts).</source>
        <translation>--around last-test necesita --profile (el perfil cuya última llamada de prueba se toma).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Profile {profile!r} has no test call yet. Run cpi-cert-wizard test-call --profile {name}, or give the time: --around 2021-04-12T10:30.</source>
        <translation>El perfil {profile!r} aún no tiene ninguna llamada de prueba. Ejecute cpi-cert-wizard test-call --profile {name} o indique la hora: --around 2021-04-12T10:30.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Profile {profile!r} has no certificate with a common name yet, so its calls cannot be recognised in a log. Import the certificate first, or filter with --path and --since instead.</source>
        <translation>El perfil {profile!r} aún no tiene un certificado con nombre común, así que sus llamadas no se pueden reconocer en un log. Importe primero el certificado o filtre con --path y --since.</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>{file} is not an SAP HTTP access log: none of its {lines} lines has the shape of an http_access_&lt;node&gt;_&lt;date&gt;.log line. Download the log from Monitor → System Log Files (a default trace is an ljs_trace_*.log file).</source>
        <translation>{file} no es un registro de acceso HTTP de SAP: ninguna de sus {lines} líneas tiene la forma de una línea de http_access_&lt;node&gt;_&lt;date&gt;.log. Descargue el registro desde Monitor → System Log Files (una traza por defecto es un archivo ljs_trace_*.log).</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>path {path}</source>
        <translation>ruta {path}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>since {time}</source>
        <translation>desde {time}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>user {users}</source>
        <translation>usuario {users}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> or </source>
        <translation> o </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>all calls</source>
        <translation>todas las llamadas</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Fix: {fix}</source>
        <translation>Solución: {fix}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{title} ({file} line {line})</source>
        <translation>{title} ({file}, línea {line})</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Default trace: {files} ({nodes}): {records} records, {unreadable} skipped.</source>
        <translation>Default trace: {files} ({nodes}): {records} registros, {unreadable} omitidos.</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+54"/>
        <source>%n file(s)</source>
        <translation>%n archivo(s)</translation>
    </message>
    <message>
        <location line="-53"/>
        <location line="+54"/>
        <source>%n node(s)</source>
        <translation>%n nodo(s)</translation>
    </message>
    <message>
        <location line="-52"/>
        <source>%n unreadable line(s)</source>
        <translation>%n línea(s) ilegible(s)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>  {file}: node {node}, {records} records</source>
        <translation>  {file}: nodo {node}, {records} registros</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>, {count} unreadable</source>
        <translation>, {count} ilegibles</translation>
    </message>
    <message>
        <location line="+7"/>
        <source> between {start} and {end}</source>
        <translation> entre {start} y {end}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Authentication and authorization errors{window}: {count}</source>
        <translation>Errores de autenticación y autorización{window}: {count}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>  ({count} shown with their calls above)</source>
        <translation>  ({count} mostrados con sus llamadas más arriba)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Refused calls answered by nodes without a trace file here:</source>
        <translation>Llamadas rechazadas respondidas por nodos sin archivo de trace aquí:</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Read {files} ({nodes}): {calls} calls, {malformed} skipped.</source>
        <translation>Leídos {files} ({nodes}): {calls} llamadas, {malformed} omitidas.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%n malformed line(s)</source>
        <translation>%n línea(s) mal formada(s)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>  {file}: node {node}, {calls} calls</source>
        <translation>  {file}: nodo {node}, {calls} llamadas</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>, {count} malformed</source>
        <translation>, {count} mal formadas</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Matching ({filter}): {count}</source>
        <translation>Coincidencias ({filter}): {count}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>(the last {count} are listed; --json gives all)</source>
        <translation>(se muestran las últimas {count}; --json las da todas)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>user {user}</source>
        <translation>usuario {user}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>    trace {file} line {line}: </source>
        <translation>    trace {file}, línea {line}: </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Summary:</source>
        <translation>Resumen:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>      Next: {step}</source>
        <translation>      Siguiente paso: {step}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Also %n call(s) in the same window arrived with no credentials at all (user &apos;-&apos;, 401). They cannot be told apart by user; if your sender made them, its certificate was not forwarded (chain incomplete, root not on SAP&apos;s list, or self-signed).</source>
        <translation>Además, %n llamada(s) en la misma ventana de tiempo llegaron sin ninguna credencial (usuario &apos;-&apos;, 401). No se pueden distinguir por usuario; si las hizo su sistema emisor, su certificado no se reenvió (cadena incompleta, raíz fuera de la lista de SAP o autofirmado).</translation>
    </message>
</context>
<context>
    <name>batch</name>
    <message>
        <location filename="../wizard/commands/batch.py" line="+168"/>
        <source>Send the requests (the folder or requests.zip) to the CA, then run: cpi-cert-wizard batch import REPLY-FOLDER</source>
        <translation>Envíe las solicitudes (la carpeta o requests.zip) a la CA y después ejecute: cpi-cert-wizard batch import CARPETA-RESPUESTAS</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Next: cpi-cert-wizard batch export, then batch mapping</source>
        <translation>Siguiente paso: cpi-cert-wizard batch export y después batch mapping</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Passwords: cpi-cert-wizard secret show --profile NAME p12</source>
        <translation>Contraseñas: cpi-cert-wizard secret show --profile NAME p12</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Per profile: {out}/&lt;profile&gt;/; all entries: {out}/tenant-entries.json</source>
        <translation>Por perfil: {out}/&lt;perfil&gt;/; todos los registros: {out}/tenant-entries.json</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Details of one call: cpi-cert-wizard test-call --profile NAME</source>
        <translation>Detalles de una llamada: cpi-cert-wizard test-call --profile NAME</translation>
    </message>
    <message>
        <location filename="../wizard/commands/render.py" line="+128"/>
        <source>(nothing to do)</source>
        <translation>(nada que hacer)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{count} failed: see their lines above; the others are done.</source>
        <translation>{count} con error: vea sus líneas más arriba; los demás están terminados.</translation>
    </message>
    <message>
        <location filename="../wizard/core/systems_csv.py" line="+79"/>
        <source>a CSV of sender systems</source>
        <translation>un CSV de sistemas emisores</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{file}, line {line}: {problem}</source>
        <translation>{file}, línea {line}: {problem}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>the file is UTF-16 (&apos;Unicode text&apos;). Save it as &apos;CSV UTF-8&apos; (Excel) or as UTF-8 text.</source>
        <translation>el archivo está en UTF-16 (&apos;texto Unicode&apos;). Guárdelo como &apos;CSV UTF-8&apos; (Excel) o como texto UTF-8.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>byte {byte} is not UTF-8 (the file is probably in a Windows code page). Save it as &apos;CSV UTF-8&apos; (Excel) or as UTF-8 text.</source>
        <translation>el byte {byte} no es UTF-8 (probablemente el archivo está en una página de códigos de Windows). Guárdelo como &apos;CSV UTF-8&apos; (Excel) o como texto UTF-8.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>contains a NUL byte: this is not a text CSV file.</source>
        <translation>contiene un byte NUL: no es un archivo CSV de texto.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>an empty name</source>
        <translation>un nombre vacío</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the header names column {column}, which is not one of: {known}. The first line must name the columns (profile and cn are required).</source>
        <translation>la cabecera nombra la columna {column}, que no es ninguna de: {known}. La primera línea debe nombrar las columnas (profile y cn son obligatorias).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>the header names column {column!r} twice.</source>
        <translation>la cabecera nombra dos veces la columna {column!r}.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the header has no column {columns}; the first line must name the columns, for example: profile;cn;o;c;env;url (known: {known}).</source>
        <translation>a la cabecera le falta la columna {columns}; la primera línea debe nombrar las columnas, por ejemplo: profile;cn;o;c;env;url (conocidas: {known}).</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>env {env!r} is neither neo nor cf.</source>
        <translation>env {env!r} no es ni neo ni cf.</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>the file is empty. The first line must name the columns: profile;cn;…</source>
        <translation>el archivo está vacío. La primera línea debe nombrar las columnas: profile;cn;…</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>{fields} fields but the header names {columns}: a value holds the separator {separator!r}? Put such a value in double quotes.</source>
        <translation>{fields} campos pero la cabecera nombra {columns}: ¿contiene algún valor el separador {separator!r}? Ponga ese valor entre comillas dobles.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>profile {profile} is on line {line} already; list each system once.</source>
        <translation>el perfil {profile} ya está en la línea {line}; indique cada sistema una sola vez.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>unreadable CSV ({problem}); rows after it skipped.</source>
        <translation>CSV ilegible ({problem}); se omiten las filas siguientes.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>there is no header line naming the columns (profile;cn;…).</source>
        <translation>no hay ninguna línea de cabecera que nombre las columnas (profile;cn;…).</translation>
    </message>
    <message>
        <location filename="../wizard/core/batch.py" line="+201"/>
        <source>--out {out} is a file; give a folder for the requests.</source>
        <translation>--out {out} es un archivo; indique una carpeta para las solicitudes.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>key passphrases of {count} sender systems (batch csr, {day})</source>
        <translation>frases de contraseña de las claves de {count} sistemas emisores (batch csr, {day})</translation>
    </message>
    <message>
        <location line="+136"/>
        <source>a certificate file</source>
        <translation>un archivo de certificado</translation>
    </message>
    <message>
        <location line="+96"/>
        <source>none yet</source>
        <translation>ninguno todavía</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No profile matches {pattern!r} (profiles: {known}). Patterns use * and ?, for example --profiles &apos;ERP-*&apos;.</source>
        <translation>Ningún perfil coincide con {pattern!r} (perfiles: {known}). Los patrones usan * y ?, por ejemplo --profiles &apos;ERP-*&apos;.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>There are no profiles in {folder} yet. Start with: cpi-cert-wizard batch csr --from systems.csv</source>
        <translation>Todavía no hay perfiles en {folder}. Empiece con: cpi-cert-wizard batch csr --from systems.csv</translation>
    </message>
    <message>
        <location line="+80"/>
        <location line="+108"/>
        <source>--out {out} is a file; give a folder.</source>
        <translation>--out {out} es un archivo; indique una carpeta.</translation>
    </message>
    <message>
        <location line="-102"/>
        <source>PKCS#12 passwords of {count} sender systems (batch export, {day})</source>
        <translation>contraseñas PKCS#12 de {count} sistemas emisores (batch export, {day})</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>{file} holds this certificate already, written with the same options.</source>
        <translation>{file} ya contiene este certificado, escrito con las mismas opciones.</translation>
    </message>
    <message>
        <location line="+154"/>
        <source>--concurrency must be between 1 and {most}, not {given}.</source>
        <translation>--concurrency debe estar entre 1 y {most}, no {given}.</translation>
    </message>
</context>
<context>
    <name>ca_enroll</name>
    <message>
        <location filename="../wizard/commands/ca_enroll.py" line="+95"/>
        <source>AD CS web enrollment signs in with negotiate, ntlm or basic; a client certificate (--auth certificate) is for EST.</source>
        <translation>La inscripción web de AD CS inicia sesión con negotiate, ntlm o basic; un certificado de cliente (--auth certificate) es para EST.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Name the CA: --adcs URL --template NAME (AD CS web enrollment) or --est URL (EST). Profile {name!r} has no CA settings yet.</source>
        <translation>Indique la CA: --adcs URL --template NAME (inscripción web de AD CS) o --est URL (EST). El perfil {name!r} aún no tiene ajustes de CA.</translation>
    </message>
    <message>
        <location line="+28"/>
        <location filename="../wizard/core/ca_enroll/transport.py" line="+342"/>
        <source>Sign-in with {auth} needs a user name (--user DOMAIN\name); the password is asked for and kept in the keyring.</source>
        <translation>Iniciar sesión con {auth} requiere un nombre de usuario (--user DOMINIO\nombre); la contraseña se solicita y se guarda en el llavero.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Password of {user} at the CA: </source>
        <translation>Contraseña de {user} en la CA: </translation>
    </message>
    <message>
        <location line="+20"/>
        <source>--check asks the CA the request was sent to (kept in the profile); leave out --adcs/--est.</source>
        <translation>--check pregunta a la CA a la que se envió la solicitud (guardada en el perfil); omita --adcs/--est.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>The CA&apos;s request page lists no templates for you; ask the CA administrators for the template name and give it with --template.</source>
        <translation>La página de solicitud de la CA no le muestra plantillas; pida el nombre de la plantilla a los administradores de la CA e indíquelo con --template.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Templates the CA offers you:</source>
        <translation>Plantillas que la CA le ofrece:</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Still waiting: the request of profile {profile} is {note}.</source>
        <translation>Todavía en espera: la solicitud del perfil {profile} está {note}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The CA keeps the request of profile {profile} pending: an administrator must approve it ({note}).</source>
        <translation>La CA mantiene pendiente la solicitud del perfil {profile}: un administrador debe aprobarla ({note}).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The CA asks to wait until {when} UTC.</source>
        <translation>La CA pide esperar hasta el {when} UTC.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Collect it later (also after a restart, days later): {command}</source>
        <translation>Recójalo más tarde (también tras un reinicio, días después): {command}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The CA at {url} issued the certificate (request {id}).</source>
        <translation>La CA en {url} emitió el certificado (solicitud {id}).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The CA at {url} issued the certificate.</source>
        <translation>La CA en {url} emitió el certificado.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Next: {command}</source>
        <translation>Siguiente: {command}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Password: {where}.</source>
        <translation>Contraseña: {where}.</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>--enroll needs the CA: --adcs URL --template NAME (AD CS web enrollment) or --est URL (EST).</source>
        <translation>--enroll necesita la CA: --adcs URL --template NAME (inscripción web de AD CS) o --est URL (EST).</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Requests waiting at the CA: run the same command again later (or cpi-cert-wizard ca-enroll --profile NAME --check); then cpi-cert-wizard batch export.</source>
        <translation>Solicitudes en espera en la CA: ejecute el mismo comando más tarde (o cpi-cert-wizard ca-enroll --profile NAME --check); después cpi-cert-wizard batch export.</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/adcs.py" line="+38"/>
        <source>The CA does not offer this certificate template: check the template&apos;s name (its short name, without spaces) or ask the CA administrators to publish it on this CA.</source>
        <translation>La CA no ofrece esta plantilla de certificado: compruebe el nombre de la plantilla (su nombre corto, sin espacios) o pida a los administradores de la CA que la publiquen en esta CA.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The request named no certificate template: give one with --template.</source>
        <translation>La solicitud no indicaba ninguna plantilla de certificado: indique una con --template.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Your account may not enroll for this template: ask the CA administrators for the Enroll permission on it, or use the template they name for SAP client certificates.</source>
        <translation>Su cuenta no puede inscribirse con esta plantilla: pida a los administradores de la CA el permiso «Inscribirse» en ella, o use la plantilla que indiquen para certificados de cliente de SAP.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The template builds the subject from Active Directory and needs a DNS name there: use a template where the subject is supplied in the request.</source>
        <translation>La plantilla construye el sujeto a partir de Active Directory y necesita allí un nombre DNS: use una plantilla en la que el sujeto se indique en la solicitud.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The template wants an e-mail address from Active Directory: use a template where the subject is supplied in the request.</source>
        <translation>La plantilla requiere una dirección de correo de Active Directory: use una plantilla en la que el sujeto se indique en la solicitud.</translation>
    </message>
    <message>
        <location line="+116"/>
        <source>{host} refused the sign-in for {what} (HTTP 401). Check the user name and password (or your Kerberos ticket) and that this account may use the CA&apos;s web enrollment; the profile is unchanged.</source>
        <translation>{host} rechazó el inicio de sesión para {what} (HTTP 401). Compruebe el usuario y la contraseña (o su ticket de Kerberos) y que esta cuenta puede usar la inscripción web de la CA; el perfil no ha cambiado.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{host} refused {what} (HTTP 403): this account may not use the CA&apos;s web enrollment. Ask the CA administrators; the profile is unchanged.</source>
        <translation>{host} rechazó {what} (HTTP 403): esta cuenta no puede usar la inscripción web de la CA. Consulte a los administradores de la CA; el perfil no ha cambiado.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{host} answered {what} with a redirect to {location} (HTTP {status}), usually a sign-in portal in front of the CA. Give the CA&apos;s own web enrollment address (…/certsrv), reachable without a portal.</source>
        <translation>{host} respondió a {what} con una redirección a {location} (HTTP {status}), normalmente un portal de inicio de sesión delante de la CA. Indique la dirección de inscripción web propia de la CA (…/certsrv), accesible sin portal.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>{url} does not exist (HTTP 404): this is not an AD CS web enrollment address. It ends in /certsrv, for example https://ca.example.com/certsrv.</source>
        <translation>{url} no existe (HTTP 404): no es una dirección de inscripción web de AD CS. Termina en /certsrv, por ejemplo https://ca.example.com/certsrv.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{host} failed on {what} (HTTP {status}).</source>
        <translation>{host} falló en {what} (HTTP {status}).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>no title</source>
        <translation>sin título</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{url} answered {what} with a web page (&apos;{title}&apos;) instead of a certificate, usually a sign-in page of a proxy or portal in front of the CA. Check the CA&apos;s address and the sign-in method; the profile is unchanged.</source>
        <translation>{url} respondió a {what} con una página web (&apos;{title}&apos;) en lugar de un certificado, normalmente la página de inicio de sesión de un proxy o portal delante de la CA. Compruebe la dirección de la CA y el método de inicio de sesión; el perfil no ha cambiado.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>the certificate request</source>
        <translation>la solicitud de certificado</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>{url} answered {what} with a page the wizard does not recognise as AD CS web enrollment (&apos;{title}&apos;). Check that the address is the CA&apos;s /certsrv; the profile is unchanged.</source>
        <translation>{url} respondió a {what} con una página que el asistente no reconoce como inscripción web de AD CS (&apos;{title}&apos;). Compruebe que la dirección es el /certsrv de la CA; el perfil no ha cambiado.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>request {id}</source>
        <translation>la solicitud {id}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>the certificate of request {id}</source>
        <translation>el certificado de la solicitud {id}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The CA has not issued request {id}: {reason}.</source>
        <translation>La CA no ha emitido la solicitud {id}: {reason}.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the CA&apos;s answer to request {id} ({url})</source>
        <translation>la respuesta de la CA a la solicitud {id} ({url})</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the list of certificate templates</source>
        <translation>la lista de plantillas de certificado</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/enroll.py" line="+121"/>
        <source>AD CS needs the certificate template: --template NAME (its short name, as the CA administrators publish it for client certificates; &apos;ca-enroll --adcs URL --list-templates&apos; shows the ones the CA offers you).</source>
        <translation>AD CS necesita la plantilla de certificado: --template NAME (su nombre corto, tal como la publican los administradores de la CA para certificados de cliente; &apos;ca-enroll --adcs URL --list-templates&apos; muestra las que la CA le ofrece).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>EST signs in with a user name and password (--auth basic --user NAME) or a client certificate (--client-profile P); not with {auth}.</source>
        <translation>EST inicia sesión con usuario y contraseña (--auth basic --user NAME) o con un certificado de cliente (--client-profile P); no con {auth}.</translation>
    </message>
    <message>
        <location line="+10"/>
        <location filename="../wizard/core/ca_enroll/transport.py" line="-214"/>
        <source>{url!r} is not an https URL. The CA&apos;s address starts with https:// (for AD CS for example https://ca.example.com/certsrv); credentials and requests only travel over TLS.</source>
        <translation>{url!r} no es una URL https. La dirección de la CA empieza por https:// (para AD CS, por ejemplo, https://ca.example.com/certsrv); las credenciales y las solicitudes solo viajan por TLS.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>The EST server&apos;s CA certificates (checked before sending):</source>
        <translation>Los certificados de CA del servidor EST (comprobados antes del envío):</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>  {subject}, valid until {date}, SHA-256 {sha256}</source>
        <translation>  {subject}, válido hasta {date}, SHA-256 {sha256}</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Profile {name!r} has no certificate request to send to the CA. Create one first: cpi-cert-wizard csr --profile {name} --cn …</source>
        <translation>El perfil {name!r} no tiene una solicitud de certificado para enviar a la CA. Cree una primero: cpi-cert-wizard csr --profile {name} --cn …</translation>
    </message>
    <message>
        <location line="+24"/>
        <location line="+9"/>
        <source>the keyring ({keyring})</source>
        <translation>el llavero ({keyring})</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>not stored (no keyring): you will be asked again</source>
        <translation>no guardada (no hay llavero): se le volverá a pedir</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>not stored ({reason})</source>
        <translation>no guardada ({reason})</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Profile {name!r} has no certificate to sign in to the EST server with. Enroll first (ca-enroll --est URL with --auth basic), or import its certificate.</source>
        <translation>El perfil {name!r} no tiene un certificado con el que iniciar sesión en el servidor EST. Inscríbalo primero (ca-enroll --est URL con --auth basic) o importe su certificado.</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>The certificate the CA at {url} issued (request {id})</source>
        <translation>El certificado que emitió la CA en {url} (solicitud {id})</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The certificate the CA at {url} issued</source>
        <translation>El certificado que emitió la CA en {url}</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Nothing was imported; the profile is unchanged. Once the cause is fixed, fetch it again with: cpi-cert-wizard ca-enroll --profile {name} --check</source>
        <translation>No se importó nada; el perfil no ha cambiado. Cuando la causa esté corregida, vuelva a obtenerlo con: cpi-cert-wizard ca-enroll --profile {name} --check</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Nothing was imported; the profile is unchanged. The CA keeps the certificate as request {id}: once the cause is fixed, download {url} and import it with cpi-cert-wizard import-reply --profile {name} FILE</source>
        <translation>No se importó nada; el perfil no ha cambiado. La CA conserva el certificado como solicitud {id}: cuando la causa esté corregida, descargue {url} e impórtelo con cpi-cert-wizard import-reply --profile {name} ARCHIVO</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Nothing was imported; the profile is unchanged. Once the cause is fixed, send the request again: cpi-cert-wizard ca-enroll --profile {name}</source>
        <translation>No se importó nada; el perfil no ha cambiado. Cuando la causa esté corregida, vuelva a enviar la solicitud: cpi-cert-wizard ca-enroll --profile {name}</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>The key of profile {name!r} was replaced while the CA was being asked; the CA&apos;s answer belongs to the old request. Send the new one.</source>
        <translation>La clave del perfil {name!r} se reemplazó mientras se consultaba a la CA; la respuesta de la CA corresponde a la solicitud antigua. Envíe la nueva.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>it gave no reason</source>
        <translation>no indicó ningún motivo</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The CA at {url} denied request {id}: {reason}</source>
        <translation>La CA en {url} denegó la solicitud {id}: {reason}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The CA at {url} denied the request: {reason}</source>
        <translation>La CA en {url} denegó la solicitud: {reason}</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>This request of profile {name!r} is already {note}. Collect it with: cpi-cert-wizard ca-enroll --profile {name} --check</source>
        <translation>Esta solicitud del perfil {name!r} ya está {note}. Recójala con: cpi-cert-wizard ca-enroll --profile {name} --check</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Sending the CSR to {url} (template {template}) …</source>
        <translation>Enviando el CSR a {url} (plantilla {template}) …</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The CA at {url} keeps the request pending but its page shows no request id, so it cannot be collected later. Ask the CA administrators for it.</source>
        <translation>La CA en {url} mantiene la solicitud pendiente, pero su página no muestra ningún id. de solicitud, así que no se podrá recoger más tarde. Pídalo a los administradores de la CA.</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Fetching the certificate of request {id} …</source>
        <translation>Obteniendo el certificado de la solicitud {id} …</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+47"/>
        <source>Checking the chain …</source>
        <translation>Comprobando la cadena …</translation>
    </message>
    <message>
        <location line="-24"/>
        <source>Reading the CA certificates from {url} …</source>
        <translation>Leyendo los certificados de CA de {url} …</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Sending the CSR to {url} ({operation}) …</source>
        <translation>Enviando el CSR a {url} ({operation}) …</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Profile {name!r} has no request waiting at a CA. Send its CSR with: cpi-cert-wizard ca-enroll --profile {name} --adcs URL --template NAME (or --est URL)</source>
        <translation>El perfil {name!r} no tiene ninguna solicitud en espera en una CA. Envíe su CSR con: cpi-cert-wizard ca-enroll --profile {name} --adcs URL --template NAME (o --est URL)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The request waiting at the CA belongs to an earlier key of profile {name!r}; the profile now has a new CSR. Send the new one (without --check).</source>
        <translation>La solicitud en espera en la CA pertenece a una clave anterior del perfil {name!r}; el perfil tiene ahora un CSR nuevo. Envíe el nuevo (sin --check).</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Asking {url} about request {id} …</source>
        <translation>Preguntando a {url} por la solicitud {id} …</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/est.py" line="+61"/>
        <source>{url} answered {what} with {type}, not {expected} (RFC 7030). Check that the address is the EST service (it ends in /.well-known/est).</source>
        <translation>{url} respondió a {what} con {type}, no con {expected} (RFC 7030). Compruebe que la dirección es la del servicio EST (termina en /.well-known/est).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>no content type</source>
        <translation>ningún tipo de contenido</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{url} answered {what} with {type} that is not base64 of a PKCS#7 with certificates.</source>
        <translation>{url} respondió a {what} con {type} que no es base64 de un PKCS#7 con certificados.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The server said: {text}</source>
        <translation>El servidor dijo: {text}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The EST server {host} refused the sign-in for {what} (HTTP 401).{said} Check the user name and password, or the client certificate; the profile is unchanged.</source>
        <translation>El servidor EST {host} rechazó el inicio de sesión para {what} (HTTP 401).{said} Compruebe el usuario y la contraseña, o el certificado de cliente; el perfil no ha cambiado.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{url} does not exist (HTTP 404): check the EST address and the CA label (--est-label).</source>
        <translation>{url} no existe (HTTP 404): compruebe la dirección EST y la etiqueta de la CA (--est-label).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{host} answered {what} with a redirect to {location} (HTTP {status}). Give the EST service&apos;s own address.</source>
        <translation>{host} respondió a {what} con una redirección a {location} (HTTP {status}). Indique la dirección propia del servicio EST.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The EST server {host} refused {what} (HTTP {status}).{said}</source>
        <translation>El servidor EST {host} rechazó {what} (HTTP {status}).{said}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the CA certificates (cacerts)</source>
        <translation>los certificados de CA (cacerts)</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>{url} sent no CA certificates.</source>
        <translation>{url} no envió certificados de CA.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The CA certificate &apos;{subject}&apos; from {url} is not valid now (valid {start} to {end}): certificates it signs would be refused. Nothing was sent; tell the CA administrators.</source>
        <translation>El certificado de CA &apos;{subject}&apos; de {url} no es válido ahora (válido de {start} a {end}): los certificados que firme serían rechazados. No se envió nada; avise a los administradores de la CA.</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>the certificate request ({operation})</source>
        <translation>la solicitud de certificado ({operation})</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/pending.py" line="+21"/>
        <source>pending at the CA since {when} (request {id})</source>
        <translation>pendiente en la CA desde {when} (solicitud {id})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>pending at the CA since {when}</source>
        <translation>pendiente en la CA desde {when}</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/transport.py" line="+24"/>
        <source>The client certificate {file} cannot be used for TLS ({reason}).</source>
        <translation>El certificado de cliente {file} no se puede usar para TLS ({reason}).</translation>
    </message>
    <message>
        <location line="+68"/>
        <source>{host} closed the connection without an answer.</source>
        <translation>{host} cerró la conexión sin responder.</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>{host} does not offer {scheme} sign-in (it offers: {offers}). Choose one it offers with --auth {choice}.</source>
        <translation>{host} no ofrece el inicio de sesión {scheme} (ofrece: {offers}). Elija uno de los ofrecidos con --auth {choice}.</translation>
    </message>
    <message>
        <location line="+101"/>
        <source>This installation has no Negotiate/NTLM support (the Python package pyspnego is missing). Use --auth basic, or install pyspnego.</source>
        <translation>Esta instalación no admite Negotiate/NTLM (falta el paquete de Python pyspnego). Use --auth basic o instale pyspnego.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>This installation cannot use Kerberos (the Python package gssapi is missing; install cpi-cert-wizard with its &apos;kerberos&apos; extra, which needs the system&apos;s Kerberos library). Sign in with --auth ntlm or --auth basic and --user instead.</source>
        <translation>Esta instalación no puede usar Kerberos (falta el paquete de Python gssapi; instale cpi-cert-wizard con su extra &apos;kerberos&apos;, que necesita la biblioteca Kerberos del sistema). Inicie sesión en su lugar con --auth ntlm o --auth basic y --user.</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Kerberos sign-in to {host} failed: {reason}. On Windows sign in to the domain; on Linux get a ticket first (kinit name@REALM) and check that the CA&apos;s name {host} is the one its HTTP service principal is registered for. Or sign in with a user name and password: --auth ntlm or --auth basic with --user.</source>
        <translation>El inicio de sesión Kerberos en {host} falló: {reason}. En Windows inicie sesión en el dominio; en Linux obtenga primero un ticket (kinit nombre@REALM) y compruebe que el nombre {host} de la CA es aquel para el que está registrado su principal de servicio HTTP. O inicie sesión con usuario y contraseña: --auth ntlm o --auth basic con --user.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>NTLM sign-in to {host} failed: {reason}.</source>
        <translation>El inicio de sesión NTLM en {host} falló: {reason}.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>{host} ended the TLS handshake ({reason}): it wants a client certificate it trusts. Sign in with a certificate the CA issued (renewal, or --client-profile).</source>
        <translation>{host} terminó el protocolo de enlace TLS ({reason}): quiere un certificado de cliente de confianza. Inicie sesión con un certificado emitido por la CA (renovación o --client-profile).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>TLS with {host} failed: {reason}.</source>
        <translation>TLS con {host} falló: {reason}.</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/many.py" line="+55"/>
        <source>has a certificate already; nothing sent.</source>
        <translation>ya tiene un certificado; no se envió nada.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>sent; {note}.</source>
        <translation>enviado; {note}.</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>still {note}.</source>
        <translation>todavía {note}.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>issued by the CA and imported.</source>
        <translation>emitido por la CA e importado.</translation>
    </message>
</context>
<context>
    <name>cli</name>
    <message>
        <location filename="../wizard/commands/common.py" line="+71"/>
        <source>{prompt}: no answer (end of input). Nothing was changed.</source>
        <translation>{prompt}: sin respuesta (fin de la entrada). No se ha cambiado nada.</translation>
    </message>
    <message>
        <location filename="../wizard/cli.py" line="+305"/>
        <source>The argument {argument} holds bytes that are not text in this system&apos;s encoding. Type it again, or rename the file it names.</source>
        <translation>El argumento {argument} contiene bytes que no son texto en la codificación de este sistema. Escríbalo de nuevo o cambie el nombre del archivo al que se refiere.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>choose a command</source>
        <translation>elija un comando</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>error: {message}</source>
        <translation>error: {message}</translation>
    </message>
</context>
<context>
    <name>client_identity</name>
    <message>
        <location filename="../wizard/core/client_identity.py" line="+77"/>
        <source>the roots in {file}</source>
        <translation>las raíces de {file}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the acceptable-CA names fetch-root recorded from the server</source>
        <translation>los nombres de CA aceptadas que el servidor indicó al obtener la raíz</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the acceptable-CA names the server sent in this call</source>
        <translation>los nombres de CA aceptadas que el servidor envió en esta llamada</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the custom domain&apos;s trusted CAs</source>
        <translation>las CA de confianza del dominio personalizado</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SAP&apos;s list of client roots</source>
        <translation>la lista de SAP de raíces de certificados de cliente</translation>
    </message>
</context>
<context>
    <name>csr</name>
    <message>
        <location filename="../wizard/commands/csr.py" line="+44"/>
        <source>Give either --subject or --cn (with --org …), not both.</source>
        <translation>Indique --subject o --cn (con --org …), no ambos.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Say what the certificate is for: --cn NAME (or --subject DN).</source>
        <translation>Indique para qué es el certificado: --cn NAME (o --subject DN).</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Request: {file}</source>
        <translation>Solicitud: {file}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Key:     {file} (encrypted; passphrase kept in {where})</source>
        <translation>Clave:     {file} (cifrada; frase de contraseña guardada en {where})</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The previous key and certificate were copied to {folder}.</source>
        <translation>La clave y el certificado anteriores se han copiado en {folder}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Send the request to your CA and ask for a client-authentication certificate (Extended
Key Usage clientAuth) with the whole chain, from a CA on SAP&apos;s trust list. Then run:</source>
        <translation>Envíe la solicitud a su CA y pida un certificado de autenticación de cliente (Extended
Key Usage clientAuth) con la cadena completa, de una CA de la lista de confianza de SAP. Después ejecute:</translation>
    </message>
    <message>
        <location filename="../wizard/core/csr.py" line="+21"/>
        <source>Common name (CN)</source>
        <translation>Nombre común (CN)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Organizational unit (OU)</source>
        <translation>Unidad organizativa (OU)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Organization (O)</source>
        <translation>Organización (O)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Locality (L)</source>
        <translation>Localidad (L)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>State or province (ST)</source>
        <translation>Estado o provincia (ST)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Country (C)</source>
        <translation>País (C)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-mail address</source>
        <translation>Dirección de correo electrónico</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{value!r} is not an e-mail address.</source>
        <translation>{value!r} no es una dirección de correo electrónico.</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>The common name (CN) is required.</source>
        <translation>El nombre común (CN) es obligatorio.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{label} has leading or trailing spaces; SAP compares the DN exactly, so remove them.</source>
        <translation>{label} tiene espacios al principio o al final; SAP compara el DN de forma exacta, así que elimínelos.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Country must be a two-letter ISO 3166 code in capitals, e.g. DE.</source>
        <translation>El país debe ser un código ISO 3166 de dos letras en mayúsculas, p. ej., ES.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{label} is {length} characters; at most {limit}.</source>
        <translation>{label} tiene {length} caracteres; como máximo {limit}.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{label} contains control characters.</source>
        <translation>{label} contiene caracteres de control.</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>{label} appears more than once.</source>
        <translation>{label} aparece más de una vez.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The subject attribute {attribute!r} is not supported here; use CN, O, OU, L, ST, C and emailAddress.</source>
        <translation>El atributo del sujeto {attribute!r} no se admite aquí; use CN, O, OU, L, ST, C y emailAddress.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>{text!r} is not a distinguished name ({reason}). Write it like &quot;CN=erp-prd,O=ACME AG,C=DE&quot;.</source>
        <translation>{text!r} no es un nombre distintivo ({reason}). Escríbalo así: &quot;CN=erp-prd,O=ACME AG,C=DE&quot;.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>{text!r} is not a SAN; write DNS:host, email:a@b, URI:… or IP:…</source>
        <translation>{text!r} no es un SAN; escriba DNS:host, email:a@b, URI:… o IP:…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{value!r} is not a DNS name.</source>
        <translation>{value!r} no es un nombre DNS.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{value!r} is not a URI.</source>
        <translation>{value!r} no es un URI.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{value!r} is not an IP address.</source>
        <translation>{value!r} no es una dirección IP.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{kind!r} is not a SAN type here; use DNS, email, URI or IP ({text!r}).</source>
        <translation>{kind!r} no es un tipo de SAN admitido aquí; use DNS, email, URI o IP ({text!r}).</translation>
    </message>
</context>
<context>
    <name>enrollment</name>
    <message>
        <location filename="../wizard/core/enrollment.py" line="+125"/>
        <source>Profile {name!r} already has a key ({key}); its CSR is {csr}. To replace it (renewal, or a lost CSR), run again with --new-key; the current certificate keeps working until you deploy the new one.</source>
        <translation>El perfil {name!r} ya tiene una clave ({key}); su CSR es {csr}. Para sustituirla (renovación o CSR perdida), vuelva a ejecutar el comando con --new-key; el certificado actual sigue funcionando hasta que instale el nuevo.</translation>
    </message>
    <message>
        <location line="+81"/>
        <source>Profile {name!r} has no key yet. Generate one: cpi-cert-wizard csr --profile {name} --cn …</source>
        <translation>El perfil {name!r} aún no tiene clave. Genere una: cpi-cert-wizard csr --profile {name} --cn …</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Profile {name!r} has no certificate yet. Import the CA&apos;s reply first: cpi-cert-wizard import-reply --profile {name} FILE</source>
        <translation>El perfil {name!r} aún no tiene certificado. Importe primero la respuesta de la CA: cpi-cert-wizard import-reply --profile {name} FILE</translation>
    </message>
    <message>
        <location line="+142"/>
        <source>Profile {name!r} has no certificate request, so no CA reply can belong to it. Create one first: cpi-cert-wizard csr --profile {name} --cn …</source>
        <translation>El perfil {name!r} no tiene ninguna solicitud de certificado, así que ninguna respuesta de la CA puede corresponderle. Cree primero una: cpi-cert-wizard csr --profile {name} --cn …</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The key of profile {name!r} was replaced while the reply was being checked; this reply belongs to the old key. Import the reply for the new request.</source>
        <translation>La clave del perfil {name!r} se sustituyó mientras se comprobaba la respuesta; esta respuesta corresponde a la clave anterior. Importe la respuesta a la nueva solicitud.</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>a PKCS#12 file</source>
        <translation>un archivo PKCS#12</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{file} holds a key but no certificate.</source>
        <translation>{file} contiene una clave, pero ningún certificado.</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Profile {name!r} has a certificate request waiting at the CA ({csr}); importing this keystore would replace its key, and the CA&apos;s answer would then fit no key. To replace it anyway, run again with --new-key (the current key is kept in the profile&apos;s archive); or import into another --profile.</source>
        <translation>El perfil {name!r} tiene una solicitud de certificado esperando en la CA ({csr}); importar este almacén de claves sustituiría su clave, y la respuesta de la CA ya no correspondería a ninguna clave. Para sustituirla de todos modos, vuelva a ejecutar con --new-key (la clave actual se conserva en el archivo del perfil); o importe en otro --profile.</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>a service key (JSON)</source>
        <translation>una clave de servicio (JSON)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{file} is not JSON ({reason}). Copy the service key as shown in the BTP cockpit (Instances and Subscriptions → the instance → Service Keys → View).</source>
        <translation>{file} no es JSON ({reason}). Copie la clave de servicio tal como la muestra el cockpit de BTP (Instancias y suscripciones → la instancia → Claves de servicio → Ver).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{file} has no &apos;certificate&apos; and &apos;key&apos; fields: it is not a service key of key-type &apos;certificate&apos; (a client-secret key has &apos;clientsecret&apos; instead). Create the key with {parameters} or use the External Certificate path.</source>
        <translation>{file} no tiene los campos &apos;certificate&apos; y &apos;key&apos;: no es una clave de servicio de key-type &apos;certificate&apos; (una clave con secreto de cliente tiene &apos;clientsecret&apos; en su lugar). Cree la clave con {parameters} o use la vía del certificado externo.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The &apos;key&apos; field of {file} is not a readable PEM private key.</source>
        <translation>El campo &apos;key&apos; de {file} no es una clave privada PEM legible.</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>{file} exists already and was kept. Confirm to replace it (--force on the command line), or choose another --out.</source>
        <translation>{file} ya existe y se ha conservado. Confirme para sustituirlo (--force en la línea de comandos) o elija otro --out.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>The PKCS#12 password needs {count} characters or more, on one line.</source>
        <translation>La contraseña PKCS#12 necesita {count} caracteres o más, en una sola línea.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>--out {file}: the keystore is a .p12 (or .pfx) file, and {suffix} is the name of one of the public files written next to it. Give --out NAME.p12 or a folder.</source>
        <translation>--out {file}: el almacén de claves es un archivo .p12 (o .pfx), y {suffix} es la extensión de uno de los archivos públicos que se escriben a su lado. Indique --out NOMBRE.p12 o una carpeta.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>--out {file}: give the keystore a name ending in .p12 or .pfx.</source>
        <translation>--out {file}: dé al almacén de claves un nombre que termine en .p12 o .pfx.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>The key of profile {name!r} does not belong to its stored certificate (the key was replaced after the import). Import the certificate for the new key, or export the old .p12 from the profile&apos;s archive folder.</source>
        <translation>La clave del perfil {name!r} no corresponde a su certificado guardado (la clave se sustituyó después de la importación). Importe el certificado de la clave nueva o exporte el .p12 anterior desde la carpeta de archivado del perfil.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>not stored: no keyring, the password you chose</source>
        <translation>no guardada: no hay llavero, la contraseña que usted eligió</translation>
    </message>
</context>
<context>
    <name>expiry</name>
    <message>
        <location filename="../wizard/commands/expiry.py" line="+46"/>
        <source>--within needs a number of days, 0 or more.</source>
        <translation>--within necesita un número de días, 0 o más.</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>No profiles yet. Start with: cpi-cert-wizard csr --profile NAME --cn COMMON-NAME</source>
        <translation>Aún no hay perfiles. Empiece con: cpi-cert-wizard csr --profile NAME --cn COMMON-NAME</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>No certificate expires within {days} days.</source>
        <translation>Ningún certificado caduca en los próximos {days} días.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{profiles} profiles; {due} to renew now.</source>
        <translation>{profiles} perfiles; {due} por renovar ya.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Calendar reminders: {file} (import it into your calendar).</source>
        <translation>Recordatorios de calendario: {file} (impórtelo en su calendario).</translation>
    </message>
    <message>
        <location filename="../wizard/core/expiry.py" line="+39"/>
        <source>No certificate yet (state {state}); nothing expires.</source>
        <translation>Todavía no hay certificado (estado {state}); nada caduca.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Valid for {days} more days; plan the renewal from {renew_by}.</source>
        <translation>Válido {days} días más; planifique la renovación a partir del {renew_by}.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Renew now: only {days} days left (expires {date}). {how}</source>
        <translation>Renueve ahora: solo quedan {days} días (caduca el {date}). {how}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Renew now: {used}% of its {lifetime}-day lifetime is used (expires {date}, {days} days left). {how}</source>
        <translation>Renueve ahora: se ha consumido el {used} % de su vigencia de {lifetime} días (caduca el {date}, quedan {days} días). {how}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Expired on {date} ({days} days ago): the tenant refuses it. {how}</source>
        <translation>Caducó el {date} (hace {days} días): el tenant lo rechaza. {how}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The CA certificate {subject} in its chain ends on {date}, before the certificate itself: from then on the chain no longer validates. </source>
        <translation>El certificado de CA {subject} de su cadena vence el {date}, antes que el propio certificado: a partir de entonces la cadena deja de ser válida. </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{message}</source>
        <translation>{message}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Make a new key and request (cpi-cert-wizard csr --profile {profile} --new-key …), import the CA&apos;s reply, export the new .p12; then {tenant}</source>
        <translation>Cree una clave y una solicitud nuevas (cpi-cert-wizard csr --profile {profile} --new-key …), importe la respuesta de la CA, exporte el nuevo .p12; después {tenant}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>add a new Certificate-to-User Mapping on Neo (it matches the whole certificate).</source>
        <translation>añada una nueva asignación de certificado a usuario en Neo (compara el certificado completo).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>create a new service key on Cloud Foundry (pinning accepts only the exact one).</source>
        <translation>cree una nueva clave de servicio en Cloud Foundry (la fijación solo acepta exactamente ese certificado).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>update the tenant entry (a new Neo mapping or Cloud Foundry service key).</source>
        <translation>actualice la entrada del tenant (una nueva asignación de Neo o una nueva clave de servicio de Cloud Foundry).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Renew the client certificate of {profile}</source>
        <translation>Renovar el certificado de cliente de {profile}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The client certificate of sender system {profile} ({subject}) expires on {date}. {how}
Certificate SHA-256: {sha256}</source>
        <translation>El certificado de cliente del sistema emisor {profile} ({subject}) caduca el {date}. {how}
Certificado SHA-256: {sha256}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> (This reminder was made less than {days_before} days before the expiry.)</source>
        <translation> (Este recordatorio se creó menos de {days_before} días antes de la caducidad.)</translation>
    </message>
</context>
<context>
    <name>export_p12</name>
    <message>
        <location filename="../wizard/commands/export_p12.py" line="+78"/>
        <source>Password: {password}</source>
        <translation>Contraseña: {password}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Password: not shown</source>
        <translation>Contraseña: no se muestra</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Password: the one you typed</source>
        <translation>Contraseña: la que introdujo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  kept in {where}; show it again with &apos;cpi-cert-wizard secret show --profile {profile} p12&apos;</source>
        <translation>  guardada en {where}; vuelva a mostrarla con &apos;cpi-cert-wizard secret show --profile {profile} p12&apos;</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Which file goes where:</source>
        <translation>Qué archivo va dónde:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the sender system&apos;s keystore (STRUST: sapgenpse import_p12; Java: keytool -importkeystore; Postman: PFX)</source>
        <translation>el almacén de claves del sistema emisor (STRUST: sapgenpse import_p12; Java: keytool -importkeystore; Postman: PFX)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>the tenant (Neo Certificate-to-User Mapping)</source>
        <translation>el tenant (asignación de certificado a usuario en Neo)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the tenant (Cloud Foundry External Certificate key)</source>
        <translation>el tenant (clave External Certificate en Cloud Foundry)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>curl --cert / Postman: leaf + intermediates</source>
        <translation>curl --cert / Postman: hoja + intermedios</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Next: {command}</source>
        <translation>Siguiente paso: {command}</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>a password file</source>
        <translation>un archivo de contraseña</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>New PKCS#12 password: </source>
        <translation>Nueva contraseña PKCS#12: </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The same password again: </source>
        <translation>La misma contraseña otra vez: </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The two entries differ; nothing was exported. Try again.</source>
        <translation>Las dos entradas no coinciden; no se exportó nada. Inténtelo de nuevo.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>{files} exist(s) already. Replace? [y/N] </source>
        <translation>{files} ya existe(n). ¿Sustituir? [s/N] </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>y</source>
        <translation>s</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Step by step for your sender: --sender {choices}</source>
        <translation>Paso a paso para su sistema emisor: --sender {choices}</translation>
    </message>
</context>
<context>
    <name>fetch_root</name>
    <message>
        <location filename="../wizard/core/fetch_root.py" line="+156"/>
        <source>Server chain: valid for {name}.</source>
        <translation>Cadena del servidor: válida para {name}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Server chain: NOT valid for {name}:</source>
        <translation>Cadena del servidor: NO válida para {name}:</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The server ended the handshake after sending its chain ({error}); it requires a client certificate, and none is sent when fetching the root. The chain above was read before that.</source>
        <translation>El servidor terminó el handshake tras enviar su cadena ({error}); exige un certificado de cliente y al obtener la raíz no se envía ninguno. La cadena anterior se leyó antes de eso.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The server ended the handshake after sending its chain ({error}). The chain above was read before that.</source>
        <translation>El servidor terminó el handshake tras enviar su cadena ({error}). La cadena anterior se leyó antes de eso.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Root: not found, so nothing was saved. The chain stops at &apos;{subject}&apos;, issued by &apos;{issuer}&apos;: get that CA&apos;s root certificate (from the CA&apos;s website, or SAP&apos;s Connectivity Test) and pass it with --ca-file.</source>
        <translation>Raíz: no encontrada, así que no se ha guardado nada. La cadena termina en &apos;{subject}&apos;, emitido por &apos;{issuer}&apos;: obtenga el certificado raíz de esa CA (en su sitio web o con la prueba de conectividad de SAP) e indíquelo con --ca-file.</translation>
    </message>
    <message>
        <location filename="../wizard/commands/fetch_root.py" line="+64"/>
        <source>--timeout must be a positive number of seconds.</source>
        <translation>--timeout debe ser un número positivo de segundos.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Reading the certificate chain of {address}…</source>
        <translation>Leyendo la cadena de certificados de {address}…</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Chain of {address} ({protocol}, through the proxy {proxy}):</source>
        <translation>Cadena de {address} ({protocol}, a través del proxy {proxy}):</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Chain of {address} ({protocol}):</source>
        <translation>Cadena de {address} ({protocol}):</translation>
    </message>
    <message>
        <location line="+11"/>
        <location filename="../wizard/core/fetch_root.py" line="+15"/>
        <source>sent by server</source>
        <translation>enviado por el servidor</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../wizard/core/fetch_root.py" line="+5"/>
        <source>resolved from {source}</source>
        <translation>obtenido de {source}</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Saved (profile {profile}):</source>
        <translation>Guardado (perfil {profile}):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Saved:</source>
        <translation>Guardado:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Next: import {cer} into the sender&apos;s trust store (STRUST: SSL client PSE → Import certificate → Add to Certificate List; Java: keytool -importcert -file {cer}; Postman: Settings → Certificates → CA certificates → {pem}).</source>
        <translation>Siguiente paso: importe {cer} en el almacén de confianza del emisor (STRUST: PSE de cliente SSL → Importar certificado → Añadir a lista de certificados; Java: keytool -importcert -file {cer}; Postman: Settings → Certificates → CA certificates → {pem}).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Not saved: add --profile NAME and/or --out DIR to save the root.</source>
        <translation>No se ha guardado: añada --profile NAME y/o --out DIR para guardar la raíz.</translation>
    </message>
    <message>
        <location filename="../wizard/core/fetch_root.py" line="-14"/>
        <source>Root: not found, so nothing was saved. The chain stops at &apos;{subject}&apos;, issued by &apos;{issuer}&apos;: get that CA&apos;s root certificate (from the CA&apos;s website, or SAP&apos;s Connectivity Test) and tick Skip on this step.</source>
        <translation>Raíz: no encontrada, así que no se ha guardado nada. La cadena termina en &apos;{subject}&apos;, emitido por &apos;{issuer}&apos;: obtenga el certificado raíz de esa CA (en su sitio web o con la prueba de conectividad de SAP) y marque «Omitir por ahora» en este paso.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Root: {subject} (SHA-256 {sha256}), {origin}.</source>
        <translation>Raíz: {subject} (SHA-256 {sha256}), {origin}.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP&apos;s list, {version}: the root is on the required list (the roots every BTP client must trust).</source>
        <translation>Lista de SAP, {version}: la raíz está en la lista de obligatorias (las raíces en las que debe confiar todo cliente de BTP).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP&apos;s list, {version}: the root is approved, but not on the required list.</source>
        <translation>Lista de SAP, {version}: la raíz está aprobada, pero no figura en la lista de obligatorias.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>SAP&apos;s list, {version}: the root is not in this version of the list (it was in earlier ones); whether SAP still uses it is not confirmed.</source>
        <translation>Lista de SAP, {version}: la raíz no está en esta versión de la lista (estaba en las anteriores); no está confirmado si SAP aún la usa.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP&apos;s list, {version}: the root is an expired historic root.</source>
        <translation>Lista de SAP, {version}: la raíz es una raíz histórica caducada.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>SAP&apos;s list, {version}: the root is not on it. That is unusual for an SAP Cloud Integration host: check that this is the tenant&apos;s runtime host, and whether a proxy or firewall that inspects TLS put its own root in front.</source>
        <translation>Lista de SAP, {version}: la raíz no figura en ella. Es inusual en un host de SAP Cloud Integration: compruebe que es el host de tiempo de ejecución del tenant y si un proxy o cortafuegos que inspecciona TLS ha antepuesto su propia raíz.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Environment: Neo (the host is an -iflmap. runtime host).</source>
        <translation>Entorno: Neo (el host es un host de tiempo de ejecución -iflmap.).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Environment: Cloud Foundry (the host is an -rt.cfapps. runtime host).</source>
        <translation>Entorno: Cloud Foundry (el host es un host de tiempo de ejecución -rt.cfapps.).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Environment: not recognised from the host name (neither Neo -iflmap. nor Cloud Foundry -rt.cfapps.); choose it in the profile.</source>
        <translation>Entorno: no reconocido por el nombre de host (ni Neo -iflmap. ni Cloud Foundry -rt.cfapps.); selecciónelo en el perfil.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Client certificates: the server did not ask for one during the handshake.</source>
        <translation>Certificados de cliente: el servidor no pidió ninguno durante el handshake.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Client certificates: the server asks for one and lists no CA names (it does not say which CAs it accepts).</source>
        <translation>Certificados de cliente: el servidor pide uno y no indica nombres de CA (no dice qué CA acepta).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Client certificates: the server asks for one and lists %n acceptable CA name(s); your certificate must chain to one of them:</source>
        <translation>Certificados de cliente: el servidor pide uno e indica %n nombre(s) de CA aceptable(s); su certificado debe encadenar con uno de ellos:</translation>
    </message>
</context>
<context>
    <name>flow</name>
    <message>
        <location filename="../wizard/core/flow.py" line="+82"/>
        <source>Sender systems</source>
        <translation>Sistemas emisores</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sender system and tenant</source>
        <translation>Sistema emisor y tenant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Trust the tenant</source>
        <translation>Confiar en el tenant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Key and certificate request</source>
        <translation>Clave y solicitud de certificado</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting for the CA</source>
        <translation>Esperando a la CA</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signed certificate</source>
        <translation>Certificado firmado</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export for the sender system</source>
        <translation>Exportar para el sistema emisor</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tenant entry</source>
        <translation>Registro en el tenant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Test call</source>
        <translation>Llamada de prueba</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Summary</source>
        <translation>Resumen</translation>
    </message>
    <message>
        <location line="+126"/>
        <source>This is not a URL or host name: paste the endpoint as https://host/path, or the runtime host alone.</source>
        <translation>Esto no es una URL ni un nombre de host: pegue el punto final como https://host/ruta, o solo el host de ejecución.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The tenant is called over HTTPS: the URL starts with https://.</source>
        <translation>Al tenant se le llama por HTTPS: la URL empieza por https://.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>{host} is the Cloud Foundry design-time (management) host, not the runtime endpoint a sender calls: the runtime host has -rt after it-cpiNNN (the url of the integration-flow service key).</source>
        <translation>{host} es el host de tiempo de diseño (gestión) de Cloud Foundry, no el punto final de ejecución al que llama un emisor: el host de ejecución lleva -rt tras it-cpiNNN (la url de la clave de servicio del flujo de integración).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{host} is the Neo management (tmn) host, not the runtime endpoint a sender calls: the runtime host ends in -iflmap.</source>
        <translation>{host} es el host de gestión (tmn) de Neo, no el punto final de ejecución al que llama un emisor: el host de ejecución termina en -iflmap.</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>{code} is not an ISO 3166 country code; use the two letters, e.g. DE.</source>
        <translation>{code} no es un código de país ISO 3166; use las dos letras, p. ej., DE.</translation>
    </message>
    <message>
        <location line="+127"/>
        <source>the tenant&apos;s load-balancer root (DER)</source>
        <translation>la raíz del equilibrador de carga del tenant (DER)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the sender&apos;s trust store: STRUST SSL client PSE, Java truststore, Postman CA certificates</source>
        <translation>el almacén de confianza del emisor: PSE de cliente SSL en STRUST, truststore de Java, certificados de CA de Postman</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the same root as PEM text</source>
        <translation>la misma raíz como texto PEM</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>trust stores that want PEM (curl --cacert, OpenSSL)</source>
        <translation>almacenes de confianza que piden PEM (curl --cacert, OpenSSL)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the certificate request: public key and subject</source>
        <translation>la solicitud de certificado: clave pública y sujeto</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the CA, asking for a client authentication certificate</source>
        <translation>la CA, pidiendo un certificado de autenticación de cliente</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>private key, certificate and intermediates, protected by a password</source>
        <translation>clave privada, certificado e intermedios, protegidos con contraseña</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the sender&apos;s keystore: STRUST (sapgenpse import_p12), keytool -importkeystore, Postman PFX, Windows</source>
        <translation>el almacén de claves del emisor: STRUST (sapgenpse import_p12), keytool -importkeystore, PFX de Postman, Windows</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the client certificate only, public (DER)</source>
        <translation>solo el certificado de cliente, público (DER)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the tenant: Neo Certificate-to-User Mapping upload</source>
        <translation>el tenant: carga en la asignación de certificado a usuario de Neo</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the client certificate only, public (PEM)</source>
        <translation>solo el certificado de cliente, público (PEM)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the tenant: Cloud Foundry External Certificate service key</source>
        <translation>el tenant: clave de servicio External Certificate de Cloud Foundry</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the certificate and its intermediates (PEM)</source>
        <translation>el certificado y sus intermedios (PEM)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>curl --cert, or senders that take the chain separately</source>
        <translation>curl --cert, o emisores que reciben la cadena por separado</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the body of the mapping API call</source>
        <translation>el cuerpo de la llamada a la API de asignación</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>POST /api/v1/CertificateUserMappings on the Neo tenant</source>
        <translation>POST /api/v1/CertificateUserMappings en el tenant Neo</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the service instance&apos;s parameters (roles)</source>
        <translation>los parámetros de la instancia de servicio (roles)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cf create-service … -c, or the cockpit&apos;s JSON field</source>
        <translation>cf create-service … -c, o el campo JSON del cockpit</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the External Certificate service key&apos;s parameters</source>
        <translation>los parámetros de la clave de servicio External Certificate</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cf create-service-key … -c, or the cockpit&apos;s JSON field</source>
        <translation>cf create-service-key … -c, o el campo JSON del cockpit</translation>
    </message>
</context>
<context>
    <name>https</name>
    <message>
        <location filename="../wizard/core/https.py" line="+81"/>
        <source>{url} answered {what} with {content_type} that is not JSON (HTTP {status}).</source>
        <translation>{url} respondió a {what} con {content_type}, que no es JSON (HTTP {status}).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>no content type</source>
        <translation>sin tipo de contenido</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>{file} cannot be used as CA file ({reason}); give a PEM file with the CA certificate that signed the server&apos;s certificate.</source>
        <translation>{file} no se puede usar como archivo de CA ({reason}); indique un archivo PEM con el certificado de la CA que firmó el certificado del servidor.</translation>
    </message>
    <message>
        <location line="+136"/>
        <location line="+129"/>
        <source>{url!r} is not an https URL.</source>
        <translation>{url!r} no es una URL https.</translation>
    </message>
    <message>
        <location line="-68"/>
        <source>The server certificate of {host} is not trusted ({reason}). {advice}</source>
        <translation>El certificado del servidor de {host} no es de confianza ({reason}). {advice}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The proxy {proxy} (HTTPS_PROXY) refused to connect to {host} ({reason}). Ask for {host} to be allowed, or set NO_PROXY if it should be reached directly.</source>
        <translation>El proxy {proxy} (HTTPS_PROXY) se negó a conectar con {host} ({reason}). Pida que se permita {host} o defina NO_PROXY si se debe acceder directamente.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>connection refused</source>
        <translation>conexión rechazada</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>no answer in time</source>
        <translation>sin respuesta a tiempo</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the host name is unknown</source>
        <translation>el nombre de host es desconocido</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cannot reach {host} through the proxy {proxy} (HTTPS_PROXY): {detail}. Check the proxy address and that it is running, or unset HTTPS_PROXY to connect directly.</source>
        <translation>No se puede acceder a {host} a través del proxy {proxy} (HTTPS_PROXY): {detail}. Compruebe la dirección del proxy y que esté en ejecución, o quite HTTPS_PROXY para conectar directamente.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Cannot reach {host}: {detail}. {check}</source>
        <translation>No se puede acceder a {host}: {detail}. {check}</translation>
    </message>
    <message>
        <location line="+80"/>
        <source>The server certificate of {host} is not trusted ({why}). {advice}</source>
        <translation>El certificado del servidor de {host} no es de confianza ({why}). {advice}</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>{host} refused the client certificate of the service key during the TLS handshake{reason}: it is expired, revoked or not the one of this key. Create a new service key and run again with --destination-key NEW-KEY.json.</source>
        <translation>{host} rechazó el certificado de cliente de la clave de servicio durante el protocolo de enlace TLS{reason}: está caducado, revocado o no es el de esta clave. Cree una clave de servicio nueva y vuelva a ejecutar con --destination-key NEW-KEY.json.</translation>
    </message>
    <message>
        <location filename="../wizard/core/neo_api.py" line="+90"/>
        <source>Check the --tmn URL, your network and proxy (HTTPS_PROXY), then try again.</source>
        <translation>Compruebe la URL de --tmn, su red y el proxy (HTTPS_PROXY) y vuelva a intentarlo.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>For a private test server give its CA with --ca-file; for SAP&apos;s hosts check for a TLS-inspecting proxy.</source>
        <translation>Para un servidor de pruebas privado, indique su CA con --ca-file; para los hosts de SAP, compruebe si hay un proxy que inspeccione TLS.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>It looks like a login page: check that the URL is the tmn host and that this user may log in with a password (or use --tmn-client-id).</source>
        <translation>Parece una página de inicio de sesión: compruebe que la URL es el host tmn y que este usuario puede iniciar sesión con contraseña (o use --tmn-client-id).</translation>
    </message>
    <message>
        <location filename="../wizard/core/sap_sign.py" line="+419"/>
        <source>Check the service key&apos;s &apos;url&apos; and &apos;uri&apos;, your network and, if you need one, the proxy (HTTPS_PROXY); then try again.</source>
        <translation>Compruebe &apos;url&apos; y &apos;uri&apos; de la clave de servicio, su red y, si lo necesita, el proxy (HTTPS_PROXY); después vuelva a intentarlo.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>For SAP&apos;s hosts check for a TLS-inspecting proxy (give its CA with --ca-file); for a private test server give its CA with --ca-file.</source>
        <translation>Para los hosts de SAP, compruebe si hay un proxy que inspeccione TLS (indique su CA con --ca-file); para un servidor de pruebas privado, indique su CA con --ca-file.</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/transport.py" line="-414"/>
        <source>Check the CA&apos;s address (and that its web enrollment or EST service runs), your network and, if you need one, the proxy (--proxy or HTTPS_PROXY); then try again.</source>
        <translation>Compruebe la dirección de la CA (y que su inscripción web o servicio EST está en marcha), su red y, si lo necesita, el proxy (--proxy o HTTPS_PROXY); después vuelva a intentarlo.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>A company CA&apos;s web server usually has a certificate from the company&apos;s own root: give that root with --ca-file (PEM), or install it in the system&apos;s trust store.</source>
        <translation>El servidor web de una CA de empresa suele tener un certificado de la raíz propia de la empresa: indique esa raíz con --ca-file (PEM) o instálela en el almacén de confianza del sistema.</translation>
    </message>
</context>
<context>
    <name>import_p12</name>
    <message>
        <location filename="../wizard/commands/import_p12.py" line="+37"/>
        <source>a password file</source>
        <translation>un archivo de contraseña</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Password of {file}: </source>
        <translation>Contraseña de {file}: </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The password of {file} is needed: type it at the prompt, or use --password-file or {variable}.</source>
        <translation>Se necesita la contraseña de {file}: escríbala cuando se le solicite, o use --password-file o {variable}.</translation>
    </message>
</context>
<context>
    <name>import_reply</name>
    <message>
        <location line="+26"/>
        <location filename="../wizard/commands/import_reply.py" line="+40"/>
        <source>Next: {command}</source>
        <translation>Siguiente paso: {command}</translation>
    </message>
</context>
<context>
    <name>import_service_key</name>
    <message>
        <location filename="../wizard/commands/import_service_key.py" line="+34"/>
        <source>The key is stored encrypted in the profile; its passphrase is in the keyring. Next: {command}</source>
        <translation>La clave se guarda cifrada en el perfil; su frase de contraseña está en el llavero. Siguiente paso: {command}</translation>
    </message>
</context>
<context>
    <name>json</name>
    <message>
        <location filename="../wizard/core/jsontext.py" line="+65"/>
        <source>nested more than {limit} levels deep</source>
        <translation>anidado en más de {limit} niveles</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>a \u escape that is half of a character</source>
        <translation>una secuencia \u que es solo la mitad de un carácter</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>a number too long to read</source>
        <translation>un número demasiado largo para leerlo</translation>
    </message>
</context>
<context>
    <name>keys</name>
    <message>
        <location filename="../wizard/core/keys.py" line="+37"/>
        <source>{value!r} is not a key type this tool makes; choose one of {choices}.</source>
        <translation>{value!r} no es un tipo de clave que genere esta herramienta; elija uno de {choices}.</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>{source} cannot be decrypted with the stored passphrase. If you changed keyrings or machines, the passphrase is in the old keyring; otherwise generate a new key (csr --new-key) and request a new certificate.</source>
        <translation>{source} no se puede descifrar con la frase de contraseña guardada. Si ha cambiado de llavero o de equipo, la frase de contraseña está en el llavero antiguo; si no, genere una clave nueva (csr --new-key) y solicite un certificado nuevo.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{source} holds a {kind}; use RSA or EC.</source>
        <translation>{source} contiene {kind}; use RSA o EC.</translation>
    </message>
</context>
<context>
    <name>language</name>
    <message>
        <location filename="../wizard/language.py" line="+125"/>
        <source>{code!r} is not a language of this program; use one of {codes}.</source>
        <translation>{code!r} no es un idioma de este programa; use uno de estos: {codes}.</translation>
    </message>
</context>
<context>
    <name>lints</name>
    <message>
        <location filename="../wizard/core/lints.py" line="+39"/>
        <source>certificate for another key</source>
        <translation>certificado de otra clave</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos;: this certificate belongs to another key; it was not issued for the CSR of {profile}. Import the certificate the CA issued for this CSR (compare subject and order number), or send this profile&apos;s CSR to the CA.</source>
        <translation>&apos;{subject}&apos;: este certificado pertenece a otra clave; no se emitió para la CSR de {profile}. Importe el certificado que la CA emitió para esta CSR (compare sujeto y número de pedido) o envíe a la CA la CSR de este perfil.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>self-signed certificate</source>
        <translation>certificado autofirmado</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is self-signed: self-signed certificates never pass SAP&apos;s load balancer, which only forwards certificates that chain to a root on SAP&apos;s list. Send the CSR to a CA whose root is on SAP&apos;s list and import the certificate it returns.</source>
        <translation>&apos;{subject}&apos; es autofirmado: los certificados autofirmados nunca pasan el equilibrador de carga de SAP, que solo reenvía certificados que encadenan con una raíz de la lista de SAP. Envíe la CSR a una CA cuya raíz figure en la lista de SAP e importe el certificado que devuelva.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>chain cannot be completed</source>
        <translation>no se puede completar la cadena</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the chain cannot be completed: issuer &apos;{issuer}&apos; of &apos;{subject}&apos; was not found; add it with --ca-file or get the CA&apos;s bundle (intermediate and root certificates, usually on the CA&apos;s download page).{detail}</source>
        <translation>no se puede completar la cadena: no se ha encontrado el emisor &apos;{issuer}&apos; de &apos;{subject}&apos;; añádalo con --ca-file u obtenga el paquete de la CA (certificados intermedios y raíz, normalmente en la página de descargas de la CA).{detail}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>certificate not valid</source>
        <translation>certificado no válido</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is not valid: {reason}. {fix}</source>
        <translation>&apos;{subject}&apos; no es válido: {reason}. {fix}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>validity date encoded as GeneralizedTime</source>
        <translation>fecha de validez codificada como GeneralizedTime</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; encodes a validity date before 2050 as GeneralizedTime. RFC 5280 asks CAs for UTCTime there, but validators such as OpenSSL accept it (NIST PKITS 4.2.4), and so does this program: signatures and dates were checked. If a sender&apos;s TLS library refuses the certificate, ask the CA to issue it again.</source>
        <translation>&apos;{subject}&apos; codifica una fecha de validez anterior a 2050 como GeneralizedTime. La RFC 5280 pide a las CA UTCTime en ese caso, pero validadores como OpenSSL lo aceptan (NIST PKITS 4.2.4), y este programa también: se comprobaron las firmas y las fechas. Si la biblioteca TLS de un sistema emisor rechaza el certificado, pida a la CA que lo emita de nuevo.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>CA certificate instead of a client certificate</source>
        <translation>certificado de CA en lugar de certificado de cliente</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is a CA certificate (basicConstraints CA:TRUE), not a client certificate. Pick the certificate the CA issued for your CSR, not the CA&apos;s own.</source>
        <translation>&apos;{subject}&apos; es un certificado de CA (basicConstraints CA:TRUE), no un certificado de cliente. Elija el certificado que la CA emitió para su CSR, no el de la propia CA.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>not for client authentication</source>
        <translation>no apto para autenticación de cliente</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>key usage forbids signing</source>
        <translation>el uso de clave impide firmar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; has a Key Usage without digitalSignature ({usages}), so it cannot sign the TLS handshake as a client. Ask the CA for a client-authentication certificate with Key Usage digitalSignature.</source>
        <translation>&apos;{subject}&apos; tiene un Key Usage sin digitalSignature ({usages}), por lo que no puede firmar el handshake TLS como cliente. Pida a la CA un certificado de autenticación de cliente con Key Usage digitalSignature.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>RSA key too short</source>
        <translation>clave RSA demasiado corta</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; has an RSA key of {bits} bits; at least 2048 are required. {fix}</source>
        <translation>&apos;{subject}&apos; tiene una clave RSA de {bits} bits; se requieren al menos 2048. {fix}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>SHA-1 signature</source>
        <translation>firma SHA-1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is signed with {algorithm}, which SAP&apos;s load balancer and current TLS libraries reject. {fix}</source>
        <translation>&apos;{subject}&apos; está firmado con {algorithm}, que rechazan el equilibrador de carga de SAP y las bibliotecas TLS actuales. {fix}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>empty common name</source>
        <translation>nombre común vacío</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; has no common name (CN). SAP shows and maps client certificates by their CN: create a new CSR with --cn and have it signed again.</source>
        <translation>&apos;{subject}&apos; no tiene nombre común (CN). SAP muestra y asigna los certificados de cliente por su CN: cree una CSR nueva con --cn y pida que la firmen de nuevo.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>common name with spaces at the ends</source>
        <translation>nombre común con espacios en los extremos</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the common name &apos;{cn}&apos; of &apos;{subject}&apos; has leading or trailing spaces, which make the mapping to a user fail. Create a new CSR with the CN trimmed and have it signed again.</source>
        <translation>el nombre común &apos;{cn}&apos; de &apos;{subject}&apos; tiene espacios al principio o al final, que hacen fallar la asignación a un usuario. Cree una CSR nueva con el CN sin esos espacios y pida que la firmen de nuevo.</translation>
    </message>
    <message>
        <location line="-54"/>
        <source>no Extended Key Usage</source>
        <translation>sin Extended Key Usage</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>unusual key type</source>
        <translation>tipo de clave inusual</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; has a {key} key; SAP documents RSA (2048 bits or more) and EC P-256 or P-384 for client certificates. If the load balancer refuses it, create a new CSR with --key-type rsa-3072 or ec-p256.</source>
        <translation>&apos;{subject}&apos; tiene una clave {key}; SAP documenta RSA (2048 bits o más) y EC P-256 o P-384 para certificados de cliente. Si el equilibrador de carga lo rechaza, cree una CSR nueva con --key-type rsa-3072 o ec-p256.</translation>
    </message>
    <message>
        <location line="-79"/>
        <source>&apos;{subject}&apos; has an Extended Key Usage without clientAuth ({usages}). SAP: &quot;The certificate must include the Client Authentication Extended Key Usage (EKU) with OID 1.3.6.1.5.5.7.3.2. Certificates without this EKU are rejected during the TLS handshake.&quot; Public TLS CAs stopped issuing clientAuth in their TLS/SSL server certificates in 2026, and SAP Integration Suite rejects client certificates without it. Ask the CA for a client-authentication certificate (Extended Key Usage clientAuth).</source>
        <translation>&apos;{subject}&apos; tiene una Extended Key Usage sin clientAuth ({usages}). SAP: &quot;The certificate must include the Client Authentication Extended Key Usage (EKU) with OID 1.3.6.1.5.5.7.3.2. Certificates without this EKU are rejected during the TLS handshake.&quot; (el certificado debe incluir la Extended Key Usage Client Authentication con OID 1.3.6.1.5.5.7.3.2; sin ella se rechaza durante el handshake TLS). Las CA TLS públicas dejaron de emitir clientAuth en sus certificados de servidor TLS/SSL en 2026, y SAP Integration Suite rechaza los certificados de cliente que no lo tienen. Pida a la CA un certificado de autenticación de cliente (Extended Key Usage clientAuth).</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>&apos;{subject}&apos; has no Extended Key Usage, so it does not include clientAuth. RFC 5280 treats that as unrestricted, but SAP does not: &quot;The certificate must include the Client Authentication Extended Key Usage (EKU) with OID 1.3.6.1.5.5.7.3.2. Certificates without this EKU are rejected during the TLS handshake.&quot; Ask the CA for a client-authentication certificate (Extended Key Usage clientAuth).</source>
        <translation>&apos;{subject}&apos; no tiene Extended Key Usage, así que no incluye clientAuth. La RFC 5280 lo trata como sin restricciones, pero SAP no: &quot;The certificate must include the Client Authentication Extended Key Usage (EKU) with OID 1.3.6.1.5.5.7.3.2. Certificates without this EKU are rejected during the TLS handshake.&quot; (el certificado debe incluir la Extended Key Usage Client Authentication con OID 1.3.6.1.5.5.7.3.2; sin ella se rechaza durante el handshake TLS). Pida a la CA un certificado de autenticación de cliente (Extended Key Usage clientAuth).</translation>
    </message>
    <message>
        <location line="+74"/>
        <source>root not confirmed by SAP&apos;s list</source>
        <translation>raíz no confirmada por la lista de SAP</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the root &apos;{subject}&apos; is not on {version}, so this tool cannot confirm that SAP&apos;s load balancer accepts it (not confirmed, not refused). That list is one source: the authoritative list is SAP Note 2801396 (needs an SAP login), and SAP&apos;s help pages name roots it lacks. Check the note or the acceptable-CA names the load balancer sends (fetch-root), and add roots with --sap-roots FILE.</source>
        <translation>la raíz &apos;{subject}&apos; no está en {version}, así que esta herramienta no puede confirmar que el balanceador de carga de SAP la acepte (no confirmada, no rechazada). Esa lista es una fuente: la lista de referencia es la nota SAP 2801396 (requiere inicio de sesión en SAP), y las páginas de ayuda de SAP citan raíces que le faltan. Consulte la nota o los nombres de CA aceptadas que envía el balanceador (fetch-root) y añada raíces con --sap-roots ARCHIVO.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>root not in SAP&apos;s current list</source>
        <translation>raíz ausente de la lista actual de SAP</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the root &apos;{subject}&apos; was in earlier versions of SAP&apos;s BTP trust store but is not in {version}. SAP&apos;s Neo page of trusted root CAs (April 2026) still lists some of these roots, so whether the load balancer accepts it is not confirmed. Check SAP Note 2801396; a CA whose root is on the list avoids the question.</source>
        <translation>la raíz &apos;{subject}&apos; estaba en versiones anteriores del BTP Trust Store de SAP, pero no en {version}. La página de Neo de SAP con las CA raíz de confianza (abril de 2026) aún cita algunas de esas raíces, así que no está confirmado si el balanceador de carga la acepta. Consulte la nota SAP 2801396; una CA cuya raíz esté en la lista evita la duda.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>root not among the custom domain&apos;s trusted CAs</source>
        <translation>raíz ausente de las CA de confianza del dominio personalizado</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the root &apos;{subject}&apos; is not among {version}. With a custom domain and a customer-managed trust model the load balancer accepts the CAs configured for that domain: add this root there (and to the file you gave), or use a certificate from a CA that is configured.</source>
        <translation>la raíz &apos;{subject}&apos; no está entre {version}. Con un dominio personalizado y un modelo de confianza gestionado por el cliente, el balanceador de carga acepta las CA configuradas para ese dominio: añada allí esta raíz (y al archivo indicado) o use un certificado de una CA configurada.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>expires soon</source>
        <translation>caduca pronto</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; expires on {date} ({days} days left). Renew it now: new CSR, new certificate, then a new mapping entry (Neo) or service key (Cloud Foundry).</source>
        <translation>&apos;{subject}&apos; caduca el {date} (quedan {days} días). Renuévelo ya: CSR nueva, certificado nuevo y después una entrada de asignación nueva (Neo) o una clave de servicio nueva (Cloud Foundry).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>renewal due</source>
        <translation>renovación pendiente</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is past two thirds of its lifetime ({days} of {total} days left, expires on {date}). Plan the renewal: new CSR, new certificate, new mapping entry (Neo) or service key (Cloud Foundry).</source>
        <translation>&apos;{subject}&apos; ha superado dos tercios de su vida útil (quedan {days} de {total} días, caduca el {date}). Planifique la renovación: CSR nueva, certificado nuevo, entrada de asignación nueva (Neo) o clave de servicio nueva (Cloud Foundry).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>certificate outlives its issuer</source>
        <translation>certificado válido más tiempo que su emisor</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is valid until {date}, but its issuer &apos;{issuer}&apos; expires on {issuer_date}: from then on the chain no longer validates and the load balancer drops it. Get the CA&apos;s renewed intermediate before that date, or renew the certificate earlier.</source>
        <translation>&apos;{subject}&apos; es válido hasta el {date}, pero su emisor &apos;{issuer}&apos; caduca el {issuer_date}: a partir de entonces la cadena deja de validarse y el balanceador de carga la descarta. Consiga antes de esa fecha el intermedio renovado de la CA o renueve antes el certificado.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>chain ends in Baltimore CyberTrust Root</source>
        <translation>la cadena termina en Baltimore CyberTrust Root</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the chain ends in &apos;{subject}&apos;, which expired on {date}. It was the historic root of SAP&apos;s Neo load balancer and certificates depending on it no longer work. Get a new certificate from a CA whose root is on {version}.</source>
        <translation>la cadena termina en &apos;{subject}&apos;, que caducó el {date}. Era la raíz histórica del equilibrador de carga de Neo de SAP y los certificados que dependen de ella ya no funcionan. Obtenga un certificado nuevo de una CA cuya raíz figure en {version}.</translation>
    </message>
    <message>
        <location filename="../wizard/core/chain.py" line="+369"/>
        <source>No certificate was given. Import the file the CA sent back.</source>
        <translation>No se indicó ningún certificado. Importe el archivo que devolvió la CA.</translation>
    </message>
    <message>
        <location line="+53"/>
        <source> Accepted anyway because {flag} was given: SAP&apos;s load balancer will drop this certificate in the TLS handshake, so it cannot authenticate a sender to Cloud Integration.</source>
        <translation> Aceptado de todos modos porque se indicó {flag}: el balanceador de carga de SAP descartará este certificado en el handshake TLS, así que no puede autenticar a un emisor ante Cloud Integration.</translation>
    </message>
    <message>
        <location line="+32"/>
        <location line="+298"/>
        <source> Also tried: {sources}.</source>
        <translation> También se ha probado: {sources}.</translation>
    </message>
    <message>
        <location line="-289"/>
        <source>its signature does not verify with the key of &apos;{issuer}&apos; from {origin}, a different CA certificate with the same name</source>
        <translation>su firma no se puede verificar con la clave de &apos;{issuer}&apos; de {origin}, otro certificado de CA con el mismo nombre</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Get the issuer certificate that belongs to this certificate from the CA (a renewed CA certificate has a new key).</source>
        <translation>Obtenga de la CA el certificado del emisor que corresponde a este certificado (un certificado de CA renovado tiene una clave nueva).</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Ask the CA for a new certificate.</source>
        <translation>Pida a la CA un certificado nuevo.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Get the current CA certificate from the CA (or its bundle).</source>
        <translation>Obtenga de la CA el certificado de CA actual (o su paquete).</translation>
    </message>
    <message>
        <location line="+3"/>
        <location filename="../wizard/core/prechecks.py" line="+195"/>
        <source>expired on {date}</source>
        <translation>caducó el {date}</translation>
    </message>
    <message>
        <location line="+4"/>
        <location filename="../wizard/core/prechecks.py" line="+3"/>
        <source>not valid before {date}</source>
        <translation>válido solo a partir del {date}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Check the computer&apos;s clock, or wait until that date.</source>
        <translation>Compruebe el reloj del ordenador o espere hasta esa fecha.</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>Create a new CSR with --key-type rsa-3072 (or ec-p256) and have it signed again.</source>
        <translation>Cree una CSR nueva con --key-type rsa-3072 (o ec-p256) y pida que la firmen de nuevo.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>This CA is too weak for SAP; get the certificate from a different CA.</source>
        <translation>Esta CA es demasiado débil para SAP; obtenga el certificado de otra CA.</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Ask the CA to issue it again with SHA-256.</source>
        <translation>Pida a la CA que lo vuelva a emitir con SHA-256.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The CA must give you a CA certificate signed with SHA-256, or use another CA.</source>
        <translation>La CA debe proporcionarle un certificado de CA firmado con SHA-256; si no, use otra CA.</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>its chain to &apos;{root}&apos; failed validation ({reason})</source>
        <translation>su cadena hasta &apos;{root}&apos; no ha superado la validación ({reason})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Ask the CA for the correct chain, or for a new certificate.</source>
        <translation>Pida a la CA la cadena correcta o un certificado nuevo.</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>no issuer led to a trusted root: </source>
        <translation>ningún emisor llevó a una raíz de confianza: </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the certificate is not valid at this time</source>
        <translation>el certificado no es válido en este momento</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>signature algorithm not allowed</source>
        <translation>algoritmo de firma no permitido</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>public key algorithm not allowed</source>
        <translation>algoritmo de clave pública no permitido</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the required Extended Key Usage is missing</source>
        <translation>falta el uso extendido de clave (Extended Key Usage) requerido</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the signature does not match</source>
        <translation>la firma no coincide</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>{host} sent no certificate.</source>
        <translation>{host} no envió ningún certificado.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>the server&apos;s certificate &apos;{subject}&apos; is self-signed; trust it only if you know this server</source>
        <translation>el certificado del servidor &apos;{subject}&apos; es autofirmado; confíe en él solo si conoce este servidor</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>issuer &apos;{issuer}&apos; of &apos;{subject}&apos; was not found in the server&apos;s chain, {sources} or via AIA.</source>
        <translation>el emisor &apos;{issuer}&apos; de &apos;{subject}&apos; no se encontró en la cadena del servidor, en {sources} ni mediante AIA.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>&apos;{subject}&apos; expired on {date}</source>
        <translation>&apos;{subject}&apos; caducó el {date}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&apos;{subject}&apos; is valid from {date}</source>
        <translation>&apos;{subject}&apos; es válido a partir del {date}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the root &apos;{subject}&apos; came from the server itself and is in none of {sources}</source>
        <translation>la raíz &apos;{subject}&apos; procede del propio servidor y no está en ninguno de {sources}</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>no trust store</source>
        <translation>sin almacén de confianza</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>invalid host name &apos;{host}&apos;</source>
        <translation>nombre de host no válido &apos;{host}&apos;</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>the certificate is for {names}, not {host}</source>
        <translation>el certificado es para {names}, no para {host}</translation>
    </message>
</context>
<context>
    <name>mapping</name>
    <message>
        <location filename="../wizard/core/mapping.py" line="+63"/>
        <source>Profile {profile!r} has no certificate yet (state {state}). Import the CA&apos;s reply first: cpi-cert-wizard import-reply --profile {profile} FILE [FILE ...]</source>
        <translation>El perfil {profile!r} aún no tiene certificado (estado {state}). Importe primero la respuesta de la CA: cpi-cert-wizard import-reply --profile {profile} FILE [FILE ...]</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Profile {profile!r} is marked {state} but its certificate file {file} is missing. Import the CA&apos;s reply again: cpi-cert-wizard import-reply --profile {profile} FILE</source>
        <translation>El perfil {profile!r} está marcado como {state}, pero falta su archivo de certificado {file}. Vuelva a importar la respuesta de la CA: cpi-cert-wizard import-reply --profile {profile} FILE</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{file} of profile {profile!r} holds no readable PEM certificate ({reason}). Import the CA&apos;s reply again: cpi-cert-wizard import-reply --profile {profile} FILE</source>
        <translation>{file} del perfil {profile!r} no contiene ningún certificado PEM legible ({reason}). Vuelva a importar la respuesta de la CA: cpi-cert-wizard import-reply --profile {profile} FILE</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{file} of profile {profile!r} starts with certificate SHA-256 {found}, but the profile records {recorded}. Import the CA&apos;s reply again so both agree: cpi-cert-wizard import-reply --profile {profile} FILE</source>
        <translation>{file} del perfil {profile!r} empieza por el certificado con SHA-256 {found}, pero el perfil registra {recorded}. Vuelva a importar la respuesta de la CA para que coincidan: cpi-cert-wizard import-reply --profile {profile} FILE</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The certificate of profile {profile!r} ({subject}) expired on {date}; the tenant refuses it. Renew it first: cpi-cert-wizard csr --profile {profile} --new-key …, have the CA sign the request, then import-reply.</source>
        <translation>El certificado del perfil {profile!r} ({subject}) caducó el {date}; el tenant lo rechaza. Renuévelo primero: cpi-cert-wizard csr --profile {profile} --new-key …, haga que la CA firme la solicitud y después import-reply.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Profile {profile!r} does not record whether the tenant runs on Neo or Cloud Foundry (cpi-cert-wizard fetch-root records it). Give --env neo or --env cf.</source>
        <translation>El perfil {profile!r} no registra si el tenant se ejecuta en Neo o en Cloud Foundry (cpi-cert-wizard fetch-root lo registra). Indique --env neo o --env cf.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{value!r} is not an environment; use neo or cf.</source>
        <translation>{value!r} no es un entorno; use neo o cf.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The user name is empty; give --user NAME (any name, up to 150 characters).</source>
        <translation>El nombre de usuario está vacío; indique --user NAME (cualquier nombre, hasta 150 caracteres).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The user name {user!r} has leading or trailing spaces; the tenant compares it exactly. Remove them.</source>
        <translation>El nombre de usuario {user!r} tiene espacios al principio o al final; el tenant lo compara de forma exacta. Elimínelos.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The user name is {length} characters long; the tenant allows at most {limit}. Choose a shorter name.</source>
        <translation>El nombre de usuario tiene {length} caracteres; el tenant admite como máximo {limit}. Elija un nombre más corto.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The user name {user!r} contains a control character; remove it.</source>
        <translation>El nombre de usuario {user!r} contiene un carácter de control; elimínelo.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The user name {user!r} contains a space; the tenant takes a user name without spaces (for example ERP_PRD_SENDER). Use &apos;_&apos; or &apos;-&apos; instead.</source>
        <translation>El nombre de usuario {user!r} contiene un espacio; el tenant acepta nombres de usuario sin espacios (por ejemplo, ERP_PRD_SENDER). Use &apos;_&apos; o &apos;-&apos; en su lugar.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{role!r} is not a valid role name: SAP allows only letters, digits, &apos;_&apos; and &apos;.&apos; (for example ESBMessaging.send); remove {bad}.</source>
        <translation>{role!r} no es un nombre de rol válido: SAP solo admite letras, dígitos, &apos;_&apos; y &apos;.&apos; (por ejemplo, ESBMessaging.send); elimine {bad}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{what} {value!r} may use only letters, digits, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;, starting with a letter or digit, so the cf command can be pasted as it is.</source>
        <translation>{what} {value!r} solo puede contener letras, dígitos, &apos;.&apos;, &apos;_&apos; y &apos;-&apos;, y debe empezar por letra o dígito, para poder pegar el comando cf tal cual.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The service key validity must be a whole number of days above 0, not {value}.</source>
        <translation>La validez de la clave de servicio debe ser un número entero de días mayor que 0, no {value}.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The tenant compares the whole certificate, serial number included: a renewed or re-issued certificate needs a new mapping entry (keep the same user so its roles stay).</source>
        <translation>El tenant compara el certificado completo, número de serie incluido: un certificado renovado o reemitido necesita una entrada de asignación nueva (mantenga el mismo usuario para conservar sus roles).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>A certificate may sit in exactly one service key across all service instances; a second key with the same certificate makes calls fail with &apos;invalid_client … the client certificate is not configured exactly once in a service key&apos;.</source>
        <translation>Un certificado solo puede estar en una única clave de servicio entre todas las instancias de servicio; una segunda clave con el mismo certificado hace fallar las llamadas con &apos;invalid_client … the client certificate is not configured exactly once in a service key&apos;.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Pin Certificate is on by default: only this exact certificate is accepted, so a renewed certificate needs a new service key (then delete the old one).</source>
        <translation>Pin Certificate está activado por defecto: solo se acepta exactamente este certificado, así que un certificado renovado necesita una clave de servicio nueva (después borre la antigua).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Role changes on the service instance can take up to an hour to take effect; a 403 right after a change may only be that.</source>
        <translation>Los cambios de rol en la instancia de servicio pueden tardar hasta una hora en aplicarse; un 403 justo después de un cambio puede deberse solo a eso.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{role} is not a role for sending messages: roles like AuthGroup.Administrator, and the roles of the application ending in &apos;provision&apos;, let a user manage the tenant, not call integration flows. A sender needs ESBMessaging.send (or a custom role) on the runtime: Neo: the application ending in &apos;iflmap&apos;; Cloud Foundry: the integration-flow service instance.</source>
        <translation>{role} no es un rol para enviar mensajes: roles como AuthGroup.Administrator, y los de la aplicación que termina en &apos;provision&apos;, permiten administrar el tenant, no llamar flujos de integración. Un emisor necesita ESBMessaging.send (o un rol propio) en el runtime: Neo: la aplicación que termina en &apos;iflmap&apos;; Cloud Foundry: la instancia de servicio integration-flow.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>--validity does not apply to an External Certificate service key: SAP documents the validity only for keys of type Certificate (SAP generates the key pair); an external certificate is valid as long as the certificate itself.</source>
        <translation>--validity no se aplica a una clave de servicio External Certificate: SAP documenta la validez solo para claves de tipo Certificate (SAP genera el par de claves); un certificado externo vale mientras sea válido el propio certificado.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The tenant is reached through the custom domain {domain}, with a customer-managed trust model: the load balancer of that domain accepts the CAs configured for it, so SAP&apos;s root list does not judge this chain; {cas}.</source>
        <translation>Al tenant se llega por el dominio personalizado {domain}, con un modelo de confianza gestionado por el cliente: el balanceador de carga de ese dominio acepta las CA configuradas para él, así que la lista de raíces de SAP no juzga esta cadena; {cas}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>the chain is judged against the CAs in {file}</source>
        <translation>la cadena se juzga frente a las CA de {file}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>give the CAs configured for the domain with --custom-domain-cas FILE so the chain can be judged against them</source>
        <translation>indique las CA configuradas para el dominio con --custom-domain-cas ARCHIVO para poder juzgar la cadena frente a ellas</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Custom domain {domain} (SAP Custom Domain service; SAP&apos;s documentation of that service has the exact steps, this tool does not confirm them): map the domain to the Cloud Integration runtime, configure TLS for it with client authentication and the trusted CA certificates of your senders (customer-managed trust; include the CA of this certificate: {issuer}), point DNS at it, then let senders call https://{domain}/http/&lt;address&gt;.</source>
        <translation>Dominio personalizado {domain} (servicio SAP Custom Domain; la documentación de SAP de ese servicio da los pasos exactos, esta herramienta no los confirma): asigne el dominio al runtime de Cloud Integration, configure para él TLS con autenticación de cliente y los certificados de las CA de confianza de sus emisores (confianza gestionada por el cliente; incluya la CA de este certificado: {issuer}), apunte el DNS a él y haga que los emisores llamen a https://{domain}/http/&lt;address&gt;.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Trial tenants do not support certificate login at all; use a paid tenant.</source>
        <translation>Los tenants trial no admiten en absoluto el inicio de sesión con certificado; use un tenant de pago.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Do not add the deprecated grant type client_x509 to the instance: it blocks creating new service keys. Keep grant-types at client_credentials.</source>
        <translation>No añada a la instancia el tipo de concesión obsoleto client_x509: impide crear claves de servicio nuevas. Mantenga grant-types en client_credentials.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The certificate is valid only from {date}; calls with it fail until then.</source>
        <translation>El certificado solo es válido a partir del {date}; hasta entonces, las llamadas con él fallan.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The certificate expires on {date} ({days} days left); plan its renewal now: {renewal_how}</source>
        <translation>El certificado caduca el {date} (quedan {days} días); planifique ya su renovación: {renewal_how}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>on Neo that means a new mapping entry.</source>
        <translation>en Neo eso supone una entrada de asignación nueva.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>on Cloud Foundry that means a new service key.</source>
        <translation>en Cloud Foundry eso supone una clave de servicio nueva.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This certificate replaces an earlier one. The tenant matches the whole certificate, so the old mapping entry does not cover it: add the new entry (this run&apos;s files) for user {user}, and delete the old entry once the sender uses the new certificate.
  old SHA-256: {old}
  new SHA-256: {new}</source>
        <translation>Este certificado sustituye a uno anterior. El tenant compara el certificado completo, así que la entrada de asignación antigua no lo cubre: añada la entrada nueva (archivos de esta ejecución) para el usuario {user} y borre la antigua cuando el emisor use el certificado nuevo.
  SHA-256 antiguo: {old}
  SHA-256 nuevo:   {new}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>This certificate replaces an earlier one. With pinning on (the default) the old service key does not accept it: create the new key (this run&apos;s service-key.json), switch the sender, then delete the old key.
  old SHA-256: {old}
  new SHA-256: {new}</source>
        <translation>Este certificado sustituye a uno anterior. Con el pinning activado (lo predeterminado), la clave de servicio antigua no lo acepta: cree la clave nueva (service-key.json de esta ejecución), cambie el emisor al nuevo certificado y después borre la clave antigua.
  SHA-256 antiguo: {old}
  SHA-256 nuevo:   {new}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Cloud Integration → Monitor → Manage Security → Certificate-to-User Mappings → Add: user {user}, certificate {cer} (or let this tool publish it with --publish). The tenant will show Id {id}.</source>
        <translation>Cloud Integration → Supervisar → Gestionar seguridad → Asignaciones de certificado a usuario → Añadir: usuario {user}, certificado {cer} (o deje que esta herramienta lo publique con --publish). El tenant mostrará el Id {id}.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Create the custom role {role}: SAP BTP cockpit → your Neo subaccount → Applications → Subscriptions → the application ending in &apos;iflmap&apos; → Roles → New Role.</source>
        <translation>Cree el rol personalizado {role}: cockpit de SAP BTP → su subcuenta Neo → Aplicaciones → Suscripciones → la aplicación que termina en &apos;iflmap&apos; → Roles → Nuevo rol.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Give user {user} the role {role}: SAP BTP cockpit → your Neo subaccount → Security → Authorizations → User {user} → Show Assignments → Assign → the application ending in &apos;iflmap&apos; → role {role}.</source>
        <translation>Asigne al usuario {user} el rol {role}: cockpit de SAP BTP → su subcuenta Neo → Seguridad → Autorizaciones → Usuario {user} → Mostrar asignaciones → Asignar → la aplicación que termina en &apos;iflmap&apos; → rol {role}.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Log in to the Cloud Foundry space of the subaccount that holds Cloud Integration: cf login -a &lt;API endpoint from the subaccount overview&gt;, then cf target -o &lt;org&gt; -s &lt;space&gt;.</source>
        <translation>Inicie sesión en el espacio de Cloud Foundry de la subcuenta que contiene Cloud Integration: cf login -a &lt;punto final de API de la vista general de la subcuenta&gt;; después, cf target -o &lt;org&gt; -s &lt;espacio&gt;.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Create the Process Integration Runtime instance {instance} (plan integration-flow) with the roles {roles} from {file}. Skip this if an instance with these roles exists already; then pass its name with --instance. In the cockpit: Instances and Subscriptions → Create.</source>
        <translation>Cree la instancia de Process Integration Runtime {instance} (plan integration-flow) con los roles {roles} de {file}. Omita este paso si ya existe una instancia con estos roles; en ese caso, indique su nombre con --instance. En el cockpit: Instancias y suscripciones → Crear.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Create the service key {key} with the certificate from {file} (key type External Certificate; in the cockpit: the instance → Create Service Key → upload {pem}, the leaf only, never the chain).</source>
        <translation>Cree la clave de servicio {key} con el certificado de {file} (tipo de clave External Certificate; en el cockpit: la instancia → Crear clave de servicio → cargue {pem}, solo la hoja, nunca la cadena).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>In the integration flow&apos;s sender channel: Authorization = User Role, user role {roles}; deploy the flow.</source>
        <translation>En el canal emisor del flujo de integración: Autorización = Rol de usuario, rol de usuario {roles}; despliegue el flujo.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Call the endpoint: cpi-cert-wizard test-call --profile {profile}. In Monitor → System Log Files → http_access_&lt;node&gt;_&lt;date&gt;.log the user field shows {before} while the certificate reaches the tenant but is not yet mapped, {after} once it works, and &apos;-&apos; when no certificate arrived at all (send the whole chain).</source>
        <translation>Llame al punto final: cpi-cert-wizard test-call --profile {profile}. En Supervisar → Archivos de log del sistema → http_access_&lt;node&gt;_&lt;date&gt;.log, el campo de usuario muestra {before} mientras el certificado llega al tenant pero aún no está asignado, {after} cuando ya funciona, y &apos;-&apos; cuando no llega ningún certificado (envíe la cadena completa).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the service key&apos;s clientid (see: cf service-key {instance} {key})</source>
        <translation>el clientid de la clave de servicio (véase: cf service-key {instance} {key})</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Second option, not recommended by SAP: the certificate is part of the integration flow, so every certificate change (each renewal, a new issuing CA) means editing the flow and redeploying it, and calls with the new certificate fail until then (downtime). The recommended option is {recommended}: cpi-cert-wizard mapping --profile {profile}</source>
        <translation>Segunda opción, no recomendada por SAP: el certificado forma parte del flujo de integración, así que cada cambio de certificado (cada renovación, una CA emisora nueva) obliga a editar el flujo y volver a desplegarlo, y hasta entonces las llamadas con el certificado nuevo fallan (tiempo de inactividad). La opción recomendada es {recommended}: cpi-cert-wizard mapping --profile {profile}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>With this option the tenant checks only the certificate&apos;s subject and issuer DN (SAP: &quot;Tenant checks the permissions of the sender by evaluating the certificate&apos;s subject/issuer distinguished name (DN)&quot;): any certificate the same CA issues with the same subject passes, not only this one.</source>
        <translation>Con esta opción el tenant solo comprueba el DN del sujeto y el DN del emisor del certificado (SAP: &quot;Tenant checks the permissions of the sender by evaluating the certificate&apos;s subject/issuer distinguished name (DN)&quot;): pasa cualquier certificado que la misma CA emita con el mismo sujeto, no solo este.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>a Certificate-to-User Mapping</source>
        <translation>una asignación de certificado a usuario</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a service key holding the certificate</source>
        <translation>una clave de servicio que contenga el certificado</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>To renew without refusing calls: add the new certificate to the channel next to the old one and redeploy, switch the sender to the new certificate, then remove the old one and redeploy again.</source>
        <translation>Para renovar sin rechazar llamadas: añada el certificado nuevo al canal junto al antiguo y vuelva a desplegar, cambie el emisor al certificado nuevo y, después, quite el antiguo y vuelva a desplegar.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The {which} DN holds attribute types ({names}) that not every program knows by these names; if the channel does not take the typed DN, upload {crt} instead.</source>
        <translation>El {which} DN contiene tipos de atributo ({names}) que no todos los programas conocen por esos nombres; si el canal no acepta el DN introducido, cargue {crt} en su lugar.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cloud Foundry: SAP documents certificate login through a service key of the Process Integration Runtime; whether a call also needs one when the channel checks the certificate itself is not confirmed. If the test call gets 401, create the External Certificate service key as well: cpi-cert-wizard mapping --profile {profile} --env cf</source>
        <translation>Cloud Foundry: SAP documenta el inicio de sesión con certificado mediante una clave de servicio de Process Integration Runtime; no está confirmado si una llamada también la necesita cuando el canal comprueba él mismo el certificado. Si la llamada de prueba obtiene 401, cree también la clave de servicio External Certificate: cpi-cert-wizard mapping --profile {profile} --env cf</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>here that means the new certificate in the flow and a redeploy.</source>
        <translation>aquí eso supone el certificado nuevo en el flujo y volver a desplegarlo.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This certificate replaces an earlier one. The channel accepts only the certificates in its list: add this one ({crt}) next to the old one, redeploy, switch the sender, then remove the old one and redeploy again.
  old SHA-256: {old}
  new SHA-256: {new}</source>
        <translation>Este certificado sustituye a uno anterior. El canal solo acepta los certificados de su lista: añada este ({crt}) junto al antiguo, vuelva a desplegar, cambie el emisor al nuevo y, después, quite el antiguo y vuelva a desplegar.
  SHA-256 antiguo: {old}
  SHA-256 nuevo:   {new}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Open the integration flow (Design), select the sender channel (HTTPS, SOAP, IDoc, AS2 …) → Connection → Authorization = Client Certificate → Add → Select {crt}; or, in the same dialog, type the Subject DN and Issuer DN exactly as printed.</source>
        <translation>Abra el flujo de integración (Diseñar), seleccione el canal emisor (HTTPS, SOAP, IDoc, AS2 …) → Conexión → Autorización = Certificado de cliente → Añadir → Seleccionar {crt}; o, en el mismo diálogo, introduzca el Subject DN y el Issuer DN exactamente como se muestran.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Save and deploy the integration flow; the channel knows the certificate only once the flow runs again.</source>
        <translation>Guarde y despliegue el flujo de integración; el canal solo conoce el certificado cuando el flujo vuelve a ejecutarse.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Call the endpoint: cpi-cert-wizard test-call --profile {profile}. A 403 whose default trace (ljs_trace_&lt;node&gt;_&lt;date&gt;.log) says the subject and issuer are not contained in the accepted subjectAndIssuers list means the channel&apos;s list lacks this certificate: compare the DNs (cpi-cert-wizard analyze-log reads the trace).</source>
        <translation>Llame al punto final: cpi-cert-wizard test-call --profile {profile}. Un 403 cuya traza por defecto (ljs_trace_&lt;node&gt;_&lt;date&gt;.log) indica que el sujeto y el emisor no están en la lista subjectAndIssuers aceptada significa que a la lista del canal le falta este certificado: compare los DN (cpi-cert-wizard analyze-log lee la traza).</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Cloud Integration → Monitor → Manage Security → Certificate-to-User Mappings → Add: user {user}, certificate {cer} (or let the wizard publish it on this page). The tenant will show Id {id}.</source>
        <translation>Cloud Integration → Monitor → Manage Security → Certificate-to-User Mappings → Add: usuario {user}, certificado {cer} (o deje que el asistente publique la asignación de certificado a usuario en esta página). El tenant mostrará el Id {id}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Create the Process Integration Runtime instance {instance} (plan integration-flow) with the roles {roles} from {file}. Skip this if an instance with these roles exists already and give its name on this page. In the cockpit: Instances and Subscriptions → Create.</source>
        <translation>Cree la instancia de Process Integration Runtime {instance} (plan integration-flow) con los roles {roles} de {file}. Omita este paso si ya existe una instancia con esos roles e indique su nombre en esta página. En el cockpit: Instances and Subscriptions → Create.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Call the endpoint on the next page (Test call). In Monitor → System Log Files → http_access_&lt;node&gt;_&lt;date&gt;.log the user field shows {before} while the certificate reaches the tenant but is not yet mapped, {after} once it works, and &apos;-&apos; when no certificate arrived at all (send the whole chain).</source>
        <translation>Llame al endpoint en la página siguiente (Llamada de prueba). En Monitor → System Log Files → http_access_&lt;node&gt;_&lt;date&gt;.log el campo de usuario muestra {before} mientras el certificado llega al tenant pero aún no está asignado, {after} cuando funciona, y &apos;-&apos; cuando no llegó ningún certificado (envíe la cadena completa).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Call the endpoint on the next page (Test call). A 403 whose default trace (ljs_trace_&lt;node&gt;_&lt;date&gt;.log) says the subject and issuer are not contained in the accepted subjectAndIssuers list means the channel&apos;s list lacks this certificate: compare the DNs.</source>
        <translation>Llame al endpoint en la página siguiente (Llamada de prueba). Un 403 cuya traza predeterminada (ljs_trace_&lt;node&gt;_&lt;date&gt;.log) dice que el sujeto y el emisor no están en la lista subjectAndIssuers aceptada significa que a la lista del canal emisor le falta este certificado: compare los DN.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Second option, not recommended by SAP: the certificate is part of the integration flow, so every certificate change (each renewal, a new issuing CA) means editing the flow and redeploying it, and calls with the new certificate fail until then (downtime). The recommended option is {recommended}, on this page.</source>
        <translation>Segunda opción, no recomendada por SAP: el certificado forma parte del flujo de integración, así que cada cambio de certificado (cada renovación, una nueva CA emisora) obliga a editar el flujo y volver a desplegarlo, y las llamadas con el certificado nuevo fallan hasta entonces (tiempo de inactividad). La opción recomendada es {recommended}, en esta página.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cloud Foundry: SAP documents certificate login through a service key of the Process Integration Runtime; whether a call also needs one when the channel checks the certificate itself is not confirmed. If the test call gets 401, create the External Certificate service key as well (the Cloud Foundry choice on this page).</source>
        <translation>Cloud Foundry: SAP documenta el inicio de sesión con certificado mediante una clave de servicio del Process Integration Runtime; no está confirmado si una llamada también la necesita cuando el canal comprueba el certificado por sí mismo. Si la llamada de prueba recibe 401, cree también la clave de servicio External Certificate (la opción Cloud Foundry de esta página).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Profile {profile!r} does not record whether the tenant runs on Neo or Cloud Foundry: choose the environment on the first step.</source>
        <translation>El perfil {profile!r} no indica si el tenant funciona en Neo o en Cloud Foundry: elija el entorno en el primer paso.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Profile {profile!r} has no certificate yet (state {state}). Import the CA&apos;s reply first on the step &apos;Signed certificate&apos;.</source>
        <translation>El perfil {profile!r} aún no tiene certificado (estado {state}). Importe primero la respuesta de la CA en el paso «Certificado firmado».</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Profile {profile!r} is marked {state} but its certificate file {file} is missing. Import the CA&apos;s reply again on the step &apos;Signed certificate&apos;.</source>
        <translation>El perfil {profile!r} está marcado como {state} pero falta su archivo de certificado {file}. Vuelva a importar la respuesta de la CA en el paso «Certificado firmado».</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{file} of profile {profile!r} holds no readable PEM certificate ({reason}). Import the CA&apos;s reply again on the step &apos;Signed certificate&apos;.</source>
        <translation>{file} del perfil {profile!r} no contiene ningún certificado PEM legible ({reason}). Vuelva a importar la respuesta de la CA en el paso «Certificado firmado».</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{file} of profile {profile!r} starts with certificate SHA-256 {found}, but the profile records {recorded}. Import the CA&apos;s reply again on the step &apos;Signed certificate&apos; so both agree.</source>
        <translation>{file} del perfil {profile!r} empieza por el certificado SHA-256 {found}, pero el perfil registra {recorded}. Vuelva a importar la respuesta de la CA en el paso «Certificado firmado» para que coincidan.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The certificate of profile {profile!r} ({subject}) expired on {date}; the tenant refuses it. Renew it first: make a new key and request on the step &apos;Key and certificate request&apos;, have the CA sign it, then import the reply.</source>
        <translation>El certificado del perfil {profile!r} ({subject}) caducó el {date}; el tenant lo rechaza. Renuévelo primero: cree una clave y una solicitud nuevas en el paso «Clave y solicitud de certificado», haga que la CA la firme y luego importe la respuesta.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The user name is empty; give the user the certificate maps to (any name, up to 150 characters).</source>
        <translation>El nombre de usuario está vacío; indique el usuario al que se asigna el certificado (cualquier nombre, hasta 150 caracteres).</translation>
    </message>
    <message>
        <location line="+224"/>
        <source>nothing (the name is empty)</source>
        <translation>nada (el nombre está vacío)</translation>
    </message>
    <message>
        <location line="+161"/>
        <source>The instance name</source>
        <translation>El nombre de instancia</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The key name</source>
        <translation>El nombre de clave</translation>
    </message>
    <message>
        <location line="+170"/>
        <source>Subject</source>
        <translation>Sujeto</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Issuer</source>
        <translation>Emisor</translation>
    </message>
    <message>
        <location line="+100"/>
        <source>--out {out} is a file; give a folder.</source>
        <translation>--out {out} es un archivo; indique una carpeta.</translation>
    </message>
    <message>
        <location filename="../wizard/commands/mapping.py" line="+54"/>
        <source>upload in Certificate-to-User Mappings</source>
        <translation>cargar en Asignaciones de certificado a usuario</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>body for POST /api/v1/CertificateUserMappings</source>
        <translation>cuerpo para POST /api/v1/CertificateUserMappings</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>parameters of cf create-service</source>
        <translation>parámetros de cf create-service</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>parameters of cf create-service-key</source>
        <translation>parámetros de cf create-service-key</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the leaf certificate, for the cockpit&apos;s upload</source>
        <translation>el certificado de hoja, para cargarlo en el cockpit</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>upload in the sender channel: Authorization = Client Certificate → Add → Select</source>
        <translation>cargar en el canal emisor: Autorización = Certificado de cliente → Añadir → Seleccionar</translation>
    </message>
    <message>
        <location line="+94"/>
        <source>{flags} is for the mapping or service key; with --flow-certificate the integration flow itself checks the certificate (no user, no role). Drop it, or drop --flow-certificate.</source>
        <translation>{flags} es para la asignación o la clave de servicio; con --flow-certificate, el propio flujo de integración comprueba el certificado (sin usuario ni rol). Quítelo o quite --flow-certificate.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{flags} are for the mapping or service key; with --flow-certificate the integration flow itself checks the certificate (no user, no role). Drop them, or drop --flow-certificate.</source>
        <translation>{flags} son para la asignación o la clave de servicio; con --flow-certificate, el propio flujo de integración comprueba el certificado (sin usuario ni rol). Quítelos o quite --flow-certificate.</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>{flags} is for Cloud Foundry service keys; drop it for Neo.</source>
        <translation>{flags} es para claves de servicio de Cloud Foundry; quítelo para Neo.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>--user is for Neo mappings; on Cloud Foundry the service key&apos;s clientid is the user.</source>
        <translation>--user es para asignaciones de Neo; en Cloud Foundry, el usuario es el clientid de la clave de servicio.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>{flags} only work with --publish.</source>
        <translation>{flags} solo funcionan con --publish.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>--publish is for Neo (the CertificateUserMappings API); on Cloud Foundry run the printed cf commands instead.</source>
        <translation>--publish es para Neo (la API CertificateUserMappings); en Cloud Foundry, ejecute en su lugar los comandos cf mostrados.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>--publish needs --tmn https://&lt;account&gt;-tmn.hci.&lt;region&gt;.hana.ondemand.com.</source>
        <translation>--publish necesita --tmn https://&lt;account&gt;-tmn.hci.&lt;region&gt;.hana.ondemand.com.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>--publish needs exactly one of --tmn-user USER (basic authentication) or --tmn-client-id ID with --tmn-token-url URL (OAuth client credentials).</source>
        <translation>--publish necesita exactamente una de estas opciones: --tmn-user USER (autenticación básica) o --tmn-client-id ID con --tmn-token-url URL (credenciales de cliente OAuth).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>--tmn-client-id needs --tmn-token-url (the subaccount&apos;s OAuth token endpoint, …/oauth2/api/v1/token).</source>
        <translation>--tmn-client-id necesita --tmn-token-url (el punto final de tokens OAuth de la subcuenta, …/oauth2/api/v1/token).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>--tmn-token-url only works with --tmn-client-id.</source>
        <translation>--tmn-token-url solo funciona con --tmn-client-id.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>{message} The stored secret was removed from the keyring; run again to enter the right one.</source>
        <translation>{message} El secreto guardado se ha eliminado del llavero; vuelva a ejecutar el comando para introducir el correcto.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>secret from the keyring ({keyring})</source>
        <translation>secreto del llavero ({keyring})</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>secret from {variable} (not stored)</source>
        <translation>secreto de {variable} (no guardado)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>secret stored in {place}</source>
        <translation>secreto guardado en {place}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>secret not stored (no keyring); you will be asked again</source>
        <translation>secreto no guardado (sin llavero); se le volverá a pedir</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>--custom-domain-cas needs --custom-domain HOST.</source>
        <translation>--custom-domain-cas necesita --custom-domain HOST.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>the trusted CAs of the custom domain</source>
        <translation>las CA de confianza del dominio personalizado</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>Publishing the mapping for {user!r} to {tmn} …</source>
        <translation>Publicando la asignación para {user!r} en {tmn} …</translation>
    </message>
    <message>
        <location line="+87"/>
        <source>Certificate: {subject}</source>
        <translation>Certificado: {subject}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  issued by {issuer}, valid until {until} UTC</source>
        <translation>  emitido por {issuer}, válido hasta {until} UTC</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>  (also kept in the profile folder {folder})</source>
        <translation>  (también se guarda en la carpeta del perfil {folder})</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Renewal:</source>
        <translation>Renovación:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Mind:</source>
        <translation>Tenga en cuenta:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Checklist:</source>
        <translation>Lista de comprobación:</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Tenant entry for profile {profile} ({environment})</source>
        <translation>Registro en el tenant para el perfil {profile} ({environment})</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>User: {user}    Roles: {roles}</source>
        <translation>Usuario: {user}    Roles: {roles}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Mapping Id the tenant assigns: {id}</source>
        <translation>Id de asignación que asigna el tenant: {id}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Service instance: {instance}    Roles: {roles}</source>
        <translation>Instancia de servicio: {instance}    Roles: {roles}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Service key: {key} (External Certificate)</source>
        <translation>Clave de servicio: {key} (External Certificate)</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+118"/>
        <source>Files in {folder}:</source>
        <translation>Archivos en {folder}:</translation>
    </message>
    <message>
        <location line="-110"/>
        <source>Published: Id {id}, user {user}, valid until {until} UTC ({note}).</source>
        <translation>Publicado: Id {id}, usuario {user}, válido hasta {until} UTC ({note}).</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>  note: the tenant&apos;s Id differs from the MD5 of the certificate ({id}); check the entry in the tenant.</source>
        <translation>  nota: el Id del tenant no coincide con el MD5 del certificado ({id}); compruebe el registro en el tenant.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>  (run the cf commands in that folder: cd {folder})</source>
        <translation>  (ejecute los comandos cf en esa carpeta: cd {folder})</translation>
    </message>
    <message>
        <location line="+74"/>
        <source>Certificate in the integration flow for profile {profile} ({environment}): the second option, not recommended</source>
        <translation>Certificado en el flujo de integración para el perfil {profile} ({environment}): la segunda opción, no recomendada</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Or type them into the same dialog (Add → Subject DN and Issuer DN), exactly as here:</source>
        <translation>O escríbalos en el mismo diálogo (Añadir → Subject DN e Issuer DN), exactamente como aquí:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>  Subject DN: {dn}</source>
        <translation>  Subject DN: {dn}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  Issuer DN:  {dn}</source>
        <translation>  Issuer DN:  {dn}</translation>
    </message>
</context>
<context>
    <name>neo_api</name>
    <message>
        <location filename="../wizard/core/neo_api.py" line="-32"/>
        <source>{tmn!r} is not an https URL of the tenant&apos;s management host; give https://&lt;account&gt;-tmn.hci.&lt;region&gt;.hana.ondemand.com.</source>
        <translation>{tmn!r} no es una URL https del host de gestión del tenant; indique https://&lt;account&gt;-tmn.hci.&lt;region&gt;.hana.ondemand.com.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{host} is the runtime (iflmap) host; the API lives on the management host https://&lt;account&gt;-tmn.hci.&lt;region&gt;.hana.ondemand.com.</source>
        <translation>{host} es el host de tiempo de ejecución (iflmap); la API está en el host de gestión https://&lt;account&gt;-tmn.hci.&lt;region&gt;.hana.ondemand.com.</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>The token URL {url!r} must be an https URL (the OAuth token endpoint of the subaccount, …/oauth2/api/v1/token).</source>
        <translation>La URL de token {url!r} debe ser una URL https (el punto final de tokens OAuth de la subcuenta, …/oauth2/api/v1/token).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The token endpoint {url} refused client {client!r} (HTTP {status}). Check the client id and its secret.</source>
        <translation>El punto final de tokens {url} rechazó el cliente {client!r} (HTTP {status}). Compruebe el ID de cliente y su secreto.</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+1"/>
        <source>the token request</source>
        <translation>la solicitud de token</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{url} answered without an access_token; is it the OAuth token endpoint?</source>
        <translation>{url} respondió sin access_token; ¿es el punto final de tokens OAuth?</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>another page</source>
        <translation>otra página</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{url} answered {what} with a redirect to {target} (HTTP {status}), usually a login page: check that the URL is the tenant&apos;s tmn host and that this user may log in with a password (or use --tmn-client-id).</source>
        <translation>{url} respondió a {what} con una redirección a {target} (HTTP {status}), normalmente una página de inicio de sesión: compruebe que la URL es el host tmn del tenant y que este usuario puede iniciar sesión con contraseña (o use --tmn-client-id).</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{url} answered {what} with HTTP {status}: {snippet}</source>
        <translation>{url} respondió a {what} con HTTP {status}: {snippet}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{url} answered {what} with HTTP {status}.</source>
        <translation>{url} respondió a {what} con HTTP {status}.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The tenant {host} refused the credentials of user {name!r} (HTTP 401). Check the name and its secret.</source>
        <translation>El tenant {host} rechazó las credenciales del usuario {name!r} (HTTP 401). Compruebe el nombre y su secreto.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The tenant {host} refused the credentials of OAuth client {name!r} (HTTP 401). Check the name and its secret.</source>
        <translation>El tenant {host} rechazó las credenciales del cliente OAuth {name!r} (HTTP 401). Compruebe el nombre y su secreto.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>{url} does not exist (HTTP 404). Give the Neo tenant&apos;s management host (…-tmn.hci.…); Cloud Foundry tenants have no certificate-to-user mappings.</source>
        <translation>{url} no existe (HTTP 404). Indique el host de gestión del tenant Neo (…-tmn.hci.…); los tenants de Cloud Foundry no tienen asignaciones de certificado a usuario.</translation>
    </message>
    <message>
        <location line="+58"/>
        <source>{host} refused {name!r} access to the API (HTTP 403). Give that user the permission CertificateUserMappings.Write.</source>
        <translation>{host} denegó a {name!r} el acceso a la API (HTTP 403). Otorgue a ese usuario el permiso CertificateUserMappings.Write.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>the CSRF token request</source>
        <translation>la solicitud del token CSRF</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> The answer was an HTML page, probably a login page.</source>
        <translation> La respuesta fue una página HTML, probablemente una página de inicio de sesión.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{host} did not hand out a CSRF token (HTTP {status} to &apos;X-CSRF-Token: Fetch&apos;), so it would refuse the POST with 403.{page} Check that the URL is the tenant&apos;s tmn host and that no proxy or single sign-on page is in between.</source>
        <translation>{host} no entregó ningún token CSRF (HTTP {status} a &apos;X-CSRF-Token: Fetch&apos;), así que rechazaría el POST con 403.{page} Compruebe que la URL es el host tmn del tenant y que no hay ningún proxy ni página de inicio de sesión único (SSO) de por medio.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>{host} refused the POST because the CSRF token or the session cookie was not accepted (HTTP 403, X-CSRF-Token: Required). A proxy may be dropping cookies; try again without it.</source>
        <translation>{host} rechazó el POST porque no aceptó el token CSRF o la cookie de sesión (HTTP 403, X-CSRF-Token: Required). Puede que un proxy esté descartando cookies; vuelva a intentarlo sin él.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{host} refused to store the mapping for {name!r} (HTTP 403). That user needs the permission CertificateUserMappings.Write.</source>
        <translation>{host} se negó a guardar la asignación para {name!r} (HTTP 403). Ese usuario necesita el permiso CertificateUserMappings.Write.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>the mapping</source>
        <translation>la asignación</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+1"/>
        <source>the read-back</source>
        <translation>la relectura</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>none</source>
        <translation>ninguna</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>After the POST, {host} lists no mapping with Id {id} for user {user!r} (entries found: {ids}). Check Certificate-to-User Mappings in the tenant.</source>
        <translation>Tras el POST, {host} no muestra ninguna asignación con Id {id} para el usuario {user!r} (entradas encontradas: {ids}). Compruebe las asignaciones de certificado a usuario en el tenant.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>{host} returned the mapping without a readable ValidUntil ({value!r}).</source>
        <translation>{host} devolvió la asignación sin un ValidUntil legible ({value!r}).</translation>
    </message>
</context>
<context>
    <name>p12</name>
    <message>
        <location filename="../wizard/core/p12.py" line="+23"/>
        <source>AES-256-CBC with a SHA-256 MAC (PBES2): for current Java, OpenSSL 3, SAP sapgenpse, Windows 10/Server 2019 and newer, Postman.</source>
        <translation>AES-256-CBC con MAC SHA-256 (PBES2): para Java actual, OpenSSL 3, SAP sapgenpse, Windows 10/Server 2019 y posteriores, Postman.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>3DES with a SHA-1 MAC: only for old consumers (Windows Server 2012-2016, older macOS Keychain, Android 12 and older, old Java or SAP kernels) that otherwise report &apos;wrong password&apos; or &apos;MAC verification failed&apos;.</source>
        <translation>3DES con MAC SHA-1: solo para programas antiguos (Windows Server 2012-2016, Llavero de macOS antiguo, Android 12 y anteriores, Java o kernels SAP antiguos) que, de lo contrario, indican &apos;wrong password&apos; o &apos;MAC verification failed&apos;.</translation>
    </message>
    <message>
        <location line="+62"/>
        <source>{source} could not be opened: the password is wrong, or it is not a PKCS#12 (.p12/.pfx) file. Check the password; if the file came from a CA portal, download it again as PKCS#12.</source>
        <translation>No se ha podido abrir {source}: la contraseña es incorrecta o no es un archivo PKCS#12 (.p12/.pfx). Compruebe la contraseña; si el archivo procede de un portal de CA, vuelva a descargarlo como PKCS#12.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{source} holds no private key (only certificates). Export it again including the private key, or use import-reply for certificates alone.</source>
        <translation>{source} no contiene ninguna clave privada (solo certificados). Vuelva a exportarlo incluyendo la clave privada, o use import-reply si solo tiene certificados.</translation>
    </message>
</context>
<context>
    <name>prechecks</name>
    <message>
        <location filename="../wizard/core/prechecks.py" line="-160"/>
        <source>pre-check {name}: {mark}: {detail}</source>
        <translation>comprobación previa {name}: {mark}: {detail}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>chain complete</source>
        <translation>cadena completa</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>valid now</source>
        <translation>válido ahora</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>clientAuth</source>
        <translation>clientAuth</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>chain valid</source>
        <translation>cadena válida</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>root accepted</source>
        <translation>raíz aceptada</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>ok</source>
        <translation>ok</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PROBLEM</source>
        <translation>PROBLEMA</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unknown</source>
        <translation>desconocido</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>the certificate {subject} is self-signed; load balancers never accept a self-signed client certificate</source>
        <translation>el certificado {subject} está autofirmado; los balanceadores de carga nunca aceptan un certificado de cliente autofirmado</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>we send {sent}, which reaches the root {root}</source>
        <translation>enviamos {sent}, que llega a la raíz {root}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>we send {sent}, but not the certificate of its issuer {missing}: the load balancer, which knows only roots, cannot build the chain</source>
        <translation>enviamos {sent}, pero no el certificado de su emisor {missing}: el balanceador de carga, que solo conoce raíces, no puede construir la cadena</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{subject} is valid from {start} to {end}</source>
        <translation>{subject} es válido del {start} al {end}</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>the leaf is valid until {end}</source>
        <translation>la hoja es válida hasta el {end}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>clientAuth is in Extended Key Usage</source>
        <translation>clientAuth está en Extended Key Usage</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>{name} is among {accepted}</source>
        <translation>{name} está entre {accepted}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the chain ends at {top}, which is not among {accepted} ({listed})</source>
        <translation>la cadena termina en {top}, que no está entre {accepted} ({listed})</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the chain&apos;s root is not known, so it cannot be judged</source>
        <translation>la raíz de la cadena no se conoce, así que no puede juzgarse</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{name} is on {version}</source>
        <translation>{name} está en {version}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{name} has expired and is no longer on {version}</source>
        <translation>{name} ha caducado y ya no está en {version}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{name} is not among {version}</source>
        <translation>{name} no está entre {version}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>not confirmed: {name} was removed from {version}; SAP&apos;s Neo page of trusted root CAs (April 2026) still lists some removed roots, and SAP Note 2801396 is the authoritative list</source>
        <translation>no confirmado: {name} se retiró de {version}; la página de Neo de SAP de CA raíz de confianza (abril de 2026) aún muestra algunas raíces retiradas, y la nota SAP 2801396 es la lista de referencia</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>not confirmed: {name} is not on {version}, the list this judgement used (one source; SAP Note 2801396 is the authoritative list; add roots with --sap-roots)</source>
        <translation>no confirmado: {name} no está en {version}, la lista que usó este juicio (una sola fuente; la nota SAP 2801396 es la lista de referencia; añada raíces con --sap-roots)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>not confirmed: {name} is not on {version}, the list this judgement used (one source; SAP Note 2801396 is the authoritative list)</source>
        <translation>no confirmado: {name} no está en {version}, la lista que usó este juicio (una sola fuente; la nota SAP 2801396 es la lista de referencia)</translation>
    </message>
</context>
<context>
    <name>profiles</name>
    <message>
        <location filename="../wizard/commands/profiles.py" line="+44"/>
        <source>No profiles yet in {folder}.
Start with: cpi-cert-wizard csr --profile NAME --cn COMMON-NAME</source>
        <translation>Aún no hay perfiles en {folder}.
Empiece con: cpi-cert-wizard csr --profile NAME --cn COMMON-NAME</translation>
    </message>
    <message>
        <location line="+13"/>
        <source> (renew)</source>
        <translation> (renovar)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Secrets are kept in: {where}</source>
        <translation>Los secretos se guardan en: {where}</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Remove profile {name!r}, its key and its keyring entries? [y/N] </source>
        <translation>¿Eliminar el perfil {name!r}, su clave y sus entradas del llavero? [s/N] </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>y</source>
        <translation>s</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing removed.</source>
        <translation>No se ha eliminado nada.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Removed profile {name}.</source>
        <translation>Perfil {name} eliminado.</translation>
    </message>
    <message>
        <location filename="../wizard/core/profiles.py" line="+198"/>
        <source>{file} was written by a newer cpi-cert-wizard (schema {version}); update the program to open it.</source>
        <translation>{file} lo escribió una versión más reciente de cpi-cert-wizard (esquema {version}); actualice el programa para abrirlo.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>{file} is not a valid profile ({problem}). {hint}</source>
        <translation>{file} no es un perfil válido ({problem}). {hint}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{file} names profile {name!r} but lives in folder {folder!r}; rename the folder back.</source>
        <translation>{file} nombra el perfil {name!r} pero está en la carpeta {folder!r}; devuelva a la carpeta su nombre anterior.</translation>
    </message>
    <message>
        <location line="+84"/>
        <source>The profile as it was before its last change is kept in {backup}: copy it over {file} to restore it, or remove the profile.</source>
        <translation>El perfil tal como estaba antes de su último cambio se conserva en {backup}: cópielo sobre {file} para restaurarlo, o elimine el perfil.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Restore it from a backup, or remove the profile (its folder) and create it again.</source>
        <translation>Restáurelo desde una copia de seguridad, o elimine el perfil (su carpeta) y vuelva a crearlo.</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>{name} is not a usable profile name: use 1 to 64 letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;, starting with a letter or digit (for example ERP-PRD or s4_qas).</source>
        <translation>{name} no es un nombre de perfil válido: use de 1 a 64 letras, dígitos, &apos;.&apos;, &apos;_&apos; o &apos;-&apos;, empezando por una letra o un dígito (por ejemplo ERP-PRD o s4_qas).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{name} is not a usable profile name: Windows drops a dot at the end of a folder name, so the profile could not be found there. Leave out the final dot.</source>
        <translation>{name} no es un nombre de perfil válido: Windows elimina el punto final del nombre de una carpeta, por lo que allí no se encontraría el perfil. Quite el punto final.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{name} is not a usable profile name: Windows reserves {device} for a device, with any extension, so no folder can have that name there. Pick another name (for example {device}-1 or {device}_PRD).</source>
        <translation>{name} no es un nombre de perfil válido: Windows reserva {device} para un dispositivo, con cualquier extensión, así que allí ninguna carpeta puede llamarse así. Elija otro nombre (por ejemplo {device}-1 o {device}_PRD).</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>{name} differs from the existing profile {other} only in upper and lower case; Windows and macOS would see one folder. Use {other}, or pick a name that differs in more than case.</source>
        <translation>{name} solo se diferencia del perfil existente {other} en mayúsculas y minúsculas; Windows y macOS verían una sola carpeta. Use {other} o elija un nombre que se diferencie en algo más que en mayúsculas.</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Profile {name!r}</source>
        <translation>Perfil {name!r}</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>A profile named {name!r} exists already; pick another name.</source>
        <translation>Ya existe un perfil llamado {name!r}; elija otro nombre.</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>There is no profile named {name!r}; there is {other!r}, which differs only in upper and lower case. Use --profile {other}.</source>
        <translation>No hay ningún perfil llamado {name!r}; hay {other!r}, que solo se diferencia en mayúsculas y minúsculas. Use --profile {other}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>none yet</source>
        <translation>ninguno todavía</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>There is no profile named {name!r} in {folder} (profiles: {known}). Create it with &apos;cpi-cert-wizard csr --profile NAME …&apos;.</source>
        <translation>No hay ningún perfil llamado {name!r} en {folder} (perfiles: {known}). Créelo con &apos;cpi-cert-wizard csr --profile NAME …&apos;.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{file} cannot be read ({reason}). {restore}</source>
        <translation>No se puede leer {file} ({reason}). {restore}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{file} is not a profile. {restore}</source>
        <translation>{file} no es un perfil. {restore}</translation>
    </message>
    <message>
        <location line="+81"/>
        <source>A profile named {name!r} was created by another process meanwhile; nothing was saved. Run the step again to work on it.</source>
        <translation>Otro proceso ha creado entretanto un perfil llamado {name!r}; no se ha guardado nada. Vuelva a ejecutar el paso para trabajar con él.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Profile {name!r} was changed by another step (another window or command) since it was read here; nothing was saved, so that step&apos;s work is kept. Run this step again.</source>
        <translation>Otro paso (otra ventana u otro comando) ha modificado el perfil {name!r} desde que se leyó aquí; no se ha guardado nada, así que se conserva el trabajo de ese paso. Vuelva a ejecutar este paso.</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>There is no profile named {name!r}.</source>
        <translation>No hay ningún perfil llamado {name!r}.</translation>
    </message>
</context>
<context>
    <name>render</name>
    <message>
        <location filename="../wizard/commands/fetch_root.py" line="-37"/>
        <location filename="../wizard/commands/render.py" line="-117"/>
        <source>leaf</source>
        <translation>hoja</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../wizard/commands/render.py" line="+2"/>
        <source>root</source>
        <translation>raíz</translation>
    </message>
    <message>
        <location line="-1"/>
        <location filename="../wizard/commands/render.py" line="+2"/>
        <source>intermediate</source>
        <translation>intermedio</translation>
    </message>
    <message>
        <location line="+8"/>
        <location filename="../wizard/commands/render.py" line="+1"/>
        <source>issued by {issuer}; valid until {date}</source>
        <translation>emitido por {issuer}; válido hasta {date}</translation>
    </message>
    <message>
        <location filename="../wizard/commands/render.py" line="+15"/>
        <source>error</source>
        <translation>error</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>warning</source>
        <translation>advertencia</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Imported the certificate into profile {profile}:</source>
        <translation>Certificado importado en el perfil {profile}:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Judged against {version}.</source>
        <translation>Evaluado según {version}.</translation>
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
        <translation>una clave privada</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>an encrypted private key</source>
        <translation>una clave privada cifrada</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>an SSH private key</source>
        <translation>una clave privada SSH</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>a certificate signing request (CSR)</source>
        <translation>una solicitud de firma de certificado (CSR)</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>a public key</source>
        <translation>una clave pública</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a certificate revocation list (CRL)</source>
        <translation>una lista de revocación de certificados (CRL)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a PGP key</source>
        <translation>una clave PGP</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a PGP message</source>
        <translation>un mensaje PGP</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>here we need the certificate the CA returned for your CSR (.cer, .crt, .pem or .p7b)</source>
        <translation>aquí se necesita el certificado que la CA devolvió para su CSR (.cer, .crt, .pem o .p7b)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>here we need CA certificates (intermediates or roots: .pem, .cer, .crt or .p7b) that complete the chain</source>
        <translation>aquí se necesitan certificados de CA (intermedios o raíz: .pem, .cer, .crt o .p7b) que completen la cadena</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>here we need the root certificate(s) that the tenant&apos;s server certificate must lead to (.pem, .cer, .crt or .p7b)</source>
        <translation>aquí se necesitan los certificados raíz a los que debe llevar el certificado de servidor del tenant (.pem, .cer, .crt o .p7b)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>here we need SAP&apos;s list of trusted roots: the JSON shipped in resources/ or a PEM bundle of root certificates</source>
        <translation>aquí se necesita la lista de raíces de confianza de SAP: el JSON incluido en resources/ o un paquete PEM de certificados raíz</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>{source} is empty — {need}.</source>
        <translation>{source} está vacío — {need}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{source} is empty. Download the certificate the CA returned for your CSR again.</source>
        <translation>{source} está vacío. Vuelva a descargar el certificado que la CA devolvió para su CSR.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{source} holds a damaged certificate ({reason}). The file was probably changed while copying; download it again from the CA.</source>
        <translation>{source} contiene un certificado dañado ({reason}). Probablemente el archivo se modificó al copiarlo; vuelva a descargarlo de la CA.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>a certificate file</source>
        <translation>un archivo de certificado</translation>
    </message>
    <message>
        <location line="+98"/>
        <source>{source}: certificate block {number} is damaged ({reason}). The file was probably changed or cut while copying; download it again from the CA or copy the whole block including the BEGIN/END lines.</source>
        <translation>{source}: el bloque de certificado {number} está dañado ({reason}). Probablemente el archivo se modificó o se cortó al copiarlo; vuelva a descargarlo de la CA o copie el bloque completo, incluidas las líneas BEGIN/END.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{source}: the PKCS#7 block {number} is damaged ({reason}). Download the .p7b again from the CA.</source>
        <translation>{source}: el bloque PKCS#7 {number} está dañado ({reason}). Vuelva a descargar el .p7b de la CA.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{source} holds more than {limit} PEM blocks; a CA reply holds a few certificates. Check that you picked the right file.</source>
        <translation>{source} contiene más de {limit} bloques PEM; una respuesta de CA contiene unos pocos certificados. Compruebe que ha elegido el archivo correcto.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{source} is cut off: a &apos;-----BEGIN …-----&apos; line has no matching &apos;-----END …-----&apos; line. Copy or download the whole file again.</source>
        <translation>{source} está truncado: una línea &apos;-----BEGIN …-----&apos; no tiene su línea &apos;-----END …-----&apos;. Vuelva a copiar o descargar el archivo completo.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>{source} holds {what}, not a certificate — {need}.</source>
        <translation>{source} contiene {what}, no un certificado — {need}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{source} contains no certificate — {need}.</source>
        <translation>{source} no contiene ningún certificado — {need}.</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>{source} holds a private key, not a certificate — {need}.</source>
        <translation>{source} contiene una clave privada, no un certificado — {need}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{source} holds an encrypted private key, not a certificate — {need}.</source>
        <translation>{source} contiene una clave privada cifrada, no un certificado — {need}.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{source} holds a certificate signing request (CSR), the file you send to the CA, not the certificate it returns — {need}.</source>
        <translation>{source} contiene una solicitud de firma de certificado (CSR), el archivo que se envía a la CA, no el certificado que esta devuelve — {need}.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{source} looks like a PKCS#12 keystore (.p12/.pfx: key and certificates together). For a key pair you already have, use import-p12 instead; otherwise {need}.</source>
        <translation>{source} parece un almacén de claves PKCS#12 (.p12/.pfx: clave y certificados juntos). Para un par de claves que ya tiene, use import-p12; si no, {need}.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{source} is a web page, not a certificate: the download probably returned a login or error page. Download the certificate again — {need}.</source>
        <translation>{source} es una página web, no un certificado: probablemente la descarga devolvió una página de inicio de sesión o de error. Vuelva a descargar el certificado — {need}.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{source} is a JSON file, not a certificate. A Cloud Foundry service key is imported with import-service-key; otherwise {need}.</source>
        <translation>{source} es un archivo JSON, no un certificado. Una clave de servicio de Cloud Foundry se importa con import-service-key; si no, {need}.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{source} is a text file without a &apos;-----BEGIN CERTIFICATE-----&apos; block — {need}.</source>
        <translation>{source} es un archivo de texto sin bloque &apos;-----BEGIN CERTIFICATE-----&apos; — {need}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{source} is neither a PEM, DER nor PKCS#7 certificate file (unreadable binary data). Check that you picked the right file — {need}.</source>
        <translation>{source} no es un archivo de certificado PEM, DER ni PKCS#7 (datos binarios ilegibles). Compruebe que ha elegido el archivo correcto — {need}.</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>an algorithm this program cannot read</source>
        <translation>un algoritmo que este programa no puede leer</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>an unknown certificate version</source>
        <translation>una versión de certificado desconocida</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the text between the BEGIN and END lines is not valid base64</source>
        <translation>el texto entre las líneas BEGIN y END no es base64 válido</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>an extension appears twice</source>
        <translation>una extensión aparece dos veces</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>a validity date cannot be read</source>
        <translation>no se puede leer una fecha de validez</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>its binary encoding is invalid</source>
        <translation>su codificación binaria no es válida</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Certificate {number} in {source} is damaged or uses an algorithm this program cannot read ({reason}). Download the CA&apos;s reply again.</source>
        <translation>El certificado {number} de {source} está dañado o usa un algoritmo que este programa no puede leer ({reason}). Vuelva a descargar la respuesta de la CA.</translation>
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
        <translation>Tenant sandbox en ejecución en {url} (Ctrl-C para detenerlo)
  confíe en esta raíz del equilibrador de carga: {lb_root} (DER: {lb_root_cer})
  raíz de la CA de demostración (emite certificados de cliente): {ca_root}
  punto final de ejemplo: {example} (rol {role})
  log de acceso: {access_log}
  pruebe: curl --cacert {lb_root} --cert client-chain.pem --key key.pem {example}</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Sandbox stopped; its certificates, tables and logs stay in {folder}.</source>
        <translation>Sandbox detenido; sus certificados, tablas y logs se quedan en {folder}.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>a certificate signing request</source>
        <translation>una solicitud de firma de certificado</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>PEM bundle</source>
        <translation>paquete PEM</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{count} certificates: leaf, intermediate, root</source>
        <translation>{count} certificados: hoja, intermedio, raíz</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{count} certificates: leaf, intermediate</source>
        <translation>{count} certificados: hoja, intermedio</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signed by the sandbox demo CA: {subject}
  valid until {until}, extended key usage: {usages}
  reply ({format}, {contents}): {file}</source>
        <translation>Firmado por la CA de demostración del sandbox: {subject}
  válido hasta {until}, uso extendido de clave: {usages}
  respuesta ({format}, {contents}): {file}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>  note: no clientAuth, so SAP (and this sandbox) will not accept it as a client.</source>
        <translation>  nota: sin clientAuth, así que SAP (y este sandbox) no lo aceptará como cliente.</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>a certificate</source>
        <translation>un certificado</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Mapped {subject} (issued by {issuer}) to user {user}.</source>
        <translation>{subject} (emitido por {issuer}) asignado al usuario {user}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>  {user} has no role yet: `sandbox grant {user} {role}`.</source>
        <translation>  {user} aún no tiene ningún rol: `sandbox grant {user} {role}`.</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+10"/>
        <source>{user} now has: {roles}.</source>
        <translation>{user} tiene ahora: {roles}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no roles</source>
        <translation>sin roles</translation>
    </message>
    <message>
        <location line="+14"/>
        <source> (fails with 500)</source>
        <translation> (falla con 500)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> (answers 503: runtime unavailable)</source>
        <translation> (responde 503: tiempo de ejecución no disponible)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Endpoint {path}: role {role}, at most {max_bytes} bytes{extra}.</source>
        <translation>Punto final {path}: rol {role}, como máximo {max_bytes} bytes{extra}.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>a root certificate</source>
        <translation>un certificado raíz</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The load balancer now also accepts client chains ending at {subject}.</source>
        <translation>El equilibrador de carga acepta ahora también cadenas de cliente que terminan en {subject}.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Sandbox folder: {folder} (node {node})</source>
        <translation>Carpeta del sandbox: {folder} (nodo {node})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>  load-balancer root (senders trust it): {file}</source>
        <translation>  raíz del equilibrador de carga (los emisores confían en ella): {file}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>  demo CA root: {file}</source>
        <translation>  raíz de la CA de demostración: {file}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  access logs: {folder}</source>
        <translation>  logs de acceso: {folder}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Client roots accepted by the load balancer:</source>
        <translation>Raíces de cliente aceptadas por el equilibrador de carga:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificate-to-user mappings:</source>
        <translation>Asignaciones de certificado a usuario:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{user} &lt;- {subject} (serial {serial})</source>
        <translation>{user} &lt;- {subject} (número de serie {serial})</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Roles:</source>
        <translation>Roles:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Endpoints:</source>
        <translation>Puntos finales:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{path}: role {role}, max {max_bytes} bytes</source>
        <translation>{path}: rol {role}, máx. {max_bytes} bytes</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>, fails (500)</source>
        <translation>, falla (500)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>, unavailable (503)</source>
        <translation>, no disponible (503)</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>  (none)</source>
        <translation>  (ninguno)</translation>
    </message>
</context>
<context>
    <name>sap_sign</name>
    <message>
        <location filename="../wizard/core/sap_sign.py" line="-335"/>
        <source>%n day(s)</source>
        <translation>%n día(s)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%n month(s)</source>
        <translation>%n mes(es)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%n year(s)</source>
        <translation>%n año(s)</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>{text!r} is not a validity the wizard understands. Give a number with d, m or y (90d, 6m, 1y) or words (90 days, 6 months, 1 year); SAP signs for 1 day to 1 year.</source>
        <translation>{text!r} no es una validez que el asistente entienda. Indique un número con d, m o y (90d, 6m, 1y) o palabras (90 days, 6 months, 1 year); SAP firma de 1 día a 1 año.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>A validity of {validity} is outside what SAP signs: 1 day to 1 year (at most 365 days, 12 months or 1 year).</source>
        <translation>Una validez de {validity} está fuera de lo que SAP firma: de 1 día a 1 año (como máximo 365 días, 12 meses o 1 año).</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>{source} is an x509-bound service key but has no {fields}. Copy the whole service key of the Destination service instance (Download in the BTP cockpit).</source>
        <translation>{source} es una clave de servicio vinculada a x509, pero no tiene {fields}. Copie la clave de servicio completa de la instancia del servicio Destination (Download en el cockpit de BTP).</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The &apos;certificate&apos; or &apos;key&apos; of {source} is not PEM that can be read (an unencrypted private key). Copy the service key again as the BTP cockpit downloads it.</source>
        <translation>El &apos;certificate&apos; o la &apos;key&apos; de {source} no es un PEM legible (una clave privada sin cifrar). Copie de nuevo la clave de servicio tal como la descarga el cockpit de BTP.</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>The {name!r} of {source} is {value!r}, not an https URL. Copy the service key again as the BTP cockpit shows it.</source>
        <translation>El {name!r} de {source} es {value!r}, no una URL https. Copie de nuevo la clave de servicio tal como la muestra el cockpit de BTP.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>no JSON object</source>
        <translation>ningún objeto JSON</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{source} is not a service key in JSON ({problem}). In the BTP cockpit open the Destination service instance → Service Keys → the key → Download, or save the output of &apos;cf service-key &lt;instance&gt; &lt;key&gt;&apos;.</source>
        <translation>{source} no es una clave de servicio en JSON ({problem}). En el cockpit de BTP abra la instancia del servicio Destination → Service Keys → la clave → Download, o guarde la salida de &apos;cf service-key &lt;instance&gt; &lt;key&gt;&apos;.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>It looks like a Process Integration Runtime key (certificate and key), which the sender uses to call the tenant.</source>
        <translation>Parece una clave de Process Integration Runtime (certificado y clave), que el emisor usa para llamar al tenant.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{source} has no &apos;clientid&apos;, so it is not a Destination service key.{hint} Create an instance of the Destination service (plan lite) in a Cloud Foundry or &apos;Other Environment&apos; subaccount and a service key for it, then give that key.</source>
        <translation>{source} no tiene &apos;clientid&apos;, así que no es una clave de servicio de Destination.{hint} Cree una instancia del servicio Destination (plan lite) en una subcuenta de Cloud Foundry u &apos;Other Environment&apos; y una clave de servicio para ella, y luego indique esa clave.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>{source} has no &apos;clientsecret&apos;. Copy the whole service key of the Destination service instance.</source>
        <translation>{source} no tiene &apos;clientsecret&apos;. Copie la clave de servicio completa de la instancia del servicio Destination.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&apos;url&apos; (the subaccount&apos;s token base URL)</source>
        <translation>&apos;url&apos; (la URL base de tokens de la subcuenta)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;uri&apos; (the Destination service&apos;s base URL)</source>
        <translation>&apos;uri&apos; (la URL base del servicio Destination)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{first} and no {second}</source>
        <translation>{first} ni {second}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{source} has no {fields}: it is not a Destination service key. Create a service key of the Destination service (plan lite) and give that file.</source>
        <translation>{source} no tiene {fields}: no es una clave de servicio de Destination. Cree una clave de servicio del servicio Destination (plan lite) e indique ese archivo.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>a Destination service key (JSON)</source>
        <translation>una clave de servicio de Destination (JSON)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>on: SAP renews it shortly before it expires; import the renewal with --refresh and update the tenant entry</source>
        <translation>activada: SAP lo renueva poco antes de que caduque; importe la renovación con --refresh y actualice el registro en el tenant</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>The Destination service runs in a Cloud Foundry or an &apos;Other Environment&apos; subaccount, not in Neo: Neo users need a (free) Cloud Foundry subaccount for this one step; the certificate then works for Neo as well.</source>
        <translation>El servicio Destination funciona en una subcuenta de Cloud Foundry o de &apos;Other Environment&apos;, no en Neo: los usuarios de Neo necesitan una subcuenta de Cloud Foundry (gratuita) para este único paso; después el certificado también sirve para Neo.</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>The certificate of the x509-bound service key ({source}) expired on {date}. Create a new service key for the Destination service instance and run again with --destination-key NEW-KEY.json.</source>
        <translation>El certificado de la clave de servicio vinculada a x509 ({source}) caducó el {date}. Cree una clave de servicio nueva para la instancia del servicio Destination y vuelva a ejecutar con --destination-key NEW-KEY.json.</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>the certificate of the service key kept in the keyring for this profile</source>
        <translation>el certificado de la clave de servicio guardado en el llavero para este perfil</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the certificate in {source}</source>
        <translation>el certificado en {source}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the client secret kept in the keyring for this profile (or in {env})</source>
        <translation>el secreto de cliente guardado en el llavero para este perfil (o en {env})</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the client secret in {source}</source>
        <translation>el secreto de cliente de {source}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The token endpoint {host} refused client {client!r} (HTTP {status}): {where} is wrong or expired, or the service key was deleted. Create a new service key for the Destination service instance and run again with --destination-key NEW-KEY.json.</source>
        <translation>El endpoint de tokens {host} rechazó el cliente {client!r} (HTTP {status}): {where} es incorrecto o ha caducado, o se eliminó la clave de servicio. Cree una nueva clave de servicio para la instancia del servicio Destination y vuelva a ejecutar con --destination-key NEW-KEY.json.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the token request</source>
        <translation>la solicitud de token</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{host} answered the token request without an access_token (HTTP {status}, {content_type}). Check the service key&apos;s &apos;url&apos;: it is the subaccount&apos;s authentication URL.</source>
        <translation>{host} respondió a la solicitud de token sin access_token (HTTP {status}, {content_type}). Compruebe la &apos;url&apos; de la clave de servicio: es la URL de autenticación de la subcuenta.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>no content type</source>
        <translation>sin tipo de contenido</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>SAP said: {said}</source>
        <translation>SAP dijo: {said}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{host} answered {what} with a redirect to {location} (HTTP {status}), usually a login page. Check the service key&apos;s &apos;url&apos; and &apos;uri&apos;.</source>
        <translation>{host} respondió a {what} con una redirección a {location} (HTTP {status}), normalmente una página de inicio de sesión. Compruebe &apos;url&apos; y &apos;uri&apos; de la clave de servicio.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The Destination service at {host} did not accept the token for {what} (HTTP 401).{quoted} The service key may belong to another region&apos;s service; download it again from the subaccount and retry.</source>
        <translation>El servicio Destination en {host} no aceptó el token para {what} (HTTP 401).{quoted} Puede que la clave de servicio pertenezca al servicio de otra región; descárguela de nuevo de la subcuenta y vuelva a intentarlo.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The Destination service at {host} refused {what} (HTTP 403): this service key may not manage the subaccount&apos;s certificates.{quoted} Use a key of a Destination service instance of plan &apos;lite&apos; created in the subaccount itself.</source>
        <translation>El servicio Destination en {host} rechazó {what} (HTTP 403): puede que esta clave de servicio no pueda gestionar los certificados de la subcuenta.{quoted} Use una clave de una instancia del servicio Destination de plan &apos;lite&apos; creada en la propia subcuenta.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The Destination service at {host} refused {what} as too large or over quota (HTTP 413).{quoted} Delete certificates the subaccount no longer needs (cockpit → Connectivity → Destination Certificates) and try again.</source>
        <translation>El servicio Destination en {host} rechazó {what} por ser demasiado grande o superar la cuota (HTTP 413).{quoted} Elimine los certificados que la subcuenta ya no necesite (cockpit → Connectivity → Destination Certificates) y vuelva a intentarlo.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Try again in {seconds} seconds.</source>
        <translation>Vuelva a intentarlo dentro de {seconds} segundos.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Try again in a few minutes.</source>
        <translation>Vuelva a intentarlo dentro de unos minutos.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The Destination service at {host} has had too many requests from this subaccount (HTTP 429).{quoted} {again}</source>
        <translation>El servicio Destination en {host} ha recibido demasiadas solicitudes de esta subcuenta (HTTP 429).{quoted} {again}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The Destination service at {host} failed on {what} (HTTP {status}).{quoted} It is SAP&apos;s side: try again later, and check SAP&apos;s status page for the region.</source>
        <translation>El servicio Destination en {host} falló en {what} (HTTP {status}).{quoted} Es un problema de SAP: vuelva a intentarlo más tarde y consulte la página de estado de SAP para la región.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The Destination service at {host} refused {what} (HTTP {status}).{quoted}</source>
        <translation>El servicio Destination en {host} rechazó {what} (HTTP {status}).{quoted}</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>replacing the certificate {name!r}</source>
        <translation>el reemplazo del certificado {name!r}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The subaccount already has a certificate named {name!r} (HTTP 409). Run again with --replace to have SAP sign your CSR again under that name (the old certificate is replaced there), or with --refresh to import the one that is there.</source>
        <translation>La subcuenta ya tiene un certificado llamado {name!r} (HTTP 409). Vuelva a ejecutar con --replace para que SAP firme de nuevo su CSR con ese nombre (allí se reemplaza el certificado anterior), o con --refresh para importar el que ya existe.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the signing request</source>
        <translation>la solicitud de firma</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The subaccount has no certificate named {name!r} (HTTP 404 from {host}). It may have been deleted in the cockpit: have SAP sign the CSR again (without --refresh).</source>
        <translation>La subcuenta no tiene ningún certificado llamado {name!r} (HTTP 404 de {host}). Puede que se haya eliminado en el cockpit: haga que SAP firme de nuevo el CSR (sin --refresh).</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>reading the certificate {name!r}</source>
        <translation>la lectura del certificado {name!r}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The Destination service&apos;s answer for {name!r} has no readable &apos;Content&apos; (base64 of the certificate chain). Check that the service key&apos;s &apos;uri&apos; is the Destination service&apos;s.</source>
        <translation>La respuesta del servicio Destination para {name!r} no tiene un &apos;Content&apos; legible (base64 de la cadena de certificados). Compruebe que la &apos;uri&apos; de la clave de servicio es la del servicio Destination.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the certificate {name!r} SAP issued</source>
        <translation>el certificado {name!r} que emitió SAP</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Profile {name!r} has no certificate request for SAP to sign. Create one first: cpi-cert-wizard csr --profile {profile} --cn …</source>
        <translation>El perfil {name!r} no tiene ninguna solicitud de certificado para que SAP la firme. Cree una primero: cpi-cert-wizard csr --profile {profile} --cn …</translation>
    </message>
    <message>
        <location line="+209"/>
        <source>Profile {name!r} does not know a Destination service key yet. Give one: cpi-cert-wizard sap-sign --profile {profile} --refresh --destination-key FILE.json</source>
        <translation>El perfil {name!r} todavía no conoce ninguna clave de servicio de Destination. Indique una: cpi-cert-wizard sap-sign --profile {profile} --refresh --destination-key FILE.json</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the profile</source>
        <translation>el perfil</translation>
    </message>
    <message>
        <location filename="../wizard/commands/sap_sign.py" line="+74"/>
        <source>{flags} only work when SAP signs; --refresh only fetches the certificate SAP has (the renewal setting stays as it was).</source>
        <translation>{flags} solo funcionan cuando firma SAP; --refresh solo obtiene el certificado que tiene SAP (la configuración de renovación no cambia).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Give the Destination service key: --destination-key FILE.json (BTP cockpit → the Cloud Foundry subaccount → Instances and Subscriptions → the Destination service instance → Service Keys → Download).</source>
        <translation>Indique la clave de servicio de Destination: --destination-key FILE.json (cockpit de BTP → la subcuenta de Cloud Foundry → Instancias y suscripciones → la instancia del servicio Destination → Claves de servicio → Descargar).</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Before SAP signs:</source>
        <translation>Antes de que firme SAP:</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>  SHA-256 {sha256}, valid until {until} UTC</source>
        <translation>  SHA-256 {sha256}, válido hasta {until} UTC</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Mind:</source>
        <translation>Tenga en cuenta:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Client secret: {where}.</source>
        <translation>Secreto de cliente: {where}.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>on</source>
        <translation>activada</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../wizard/core/sap_sign.py" line="-584"/>
        <source>off</source>
        <translation>desactivada</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unknown</source>
        <translation>desconocida</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&apos;{name}&apos; in the subaccount&apos;s Destination certificates</source>
        <translation>&apos;{name}&apos; en los certificados de Destination de la subcuenta</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP&apos;s certificate {where} is the one profile {profile} already has; nothing changed (automatic renewal {renew}).</source>
        <translation>El certificado de SAP {where} es el que ya tiene el perfil {profile}; no ha cambiado nada (renovación automática {renew}).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Imported SAP&apos;s certificate {where} into profile {profile} (automatic renewal {renew}).</source>
        <translation>Certificado de SAP {where} importado en el perfil {profile} (renovación automática {renew}).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP renewed the certificate {where}; profile {profile} now has the new one (automatic renewal {renew}).</source>
        <translation>SAP renovó el certificado {where}; el perfil {profile} tiene ahora el nuevo (renovación automática {renew}).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>SAP signed the CSR again of profile {profile}: {where}, valid {validity}, automatic renewal {renew}.</source>
        <translation>SAP ha vuelto a firmar la CSR del perfil {profile}: {where}, validez {validity}, renovación automática {renew}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>SAP signed the CSR of profile {profile}: {where}, valid {validity}, automatic renewal {renew}.</source>
        <translation>SAP ha firmado la CSR del perfil {profile}: {where}, validez {validity}, renovación automática {renew}.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The tenant entry must be updated: it names an earlier certificate.</source>
        <translation>Hay que actualizar el registro en el tenant: hace referencia a un certificado anterior.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  new SHA-256 {sha256}</source>
        <translation>  SHA-256 nuevo {sha256}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>  was SHA-256 {sha256}</source>
        <translation>  SHA-256 anterior {sha256}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>  Neo: a new Certificate-to-User mapping for the new certificate; Cloud Foundry: a new service key with it (unless pinning is off).</source>
        <translation>  Neo: una nueva asignación de certificado a usuario para el certificado nuevo; Cloud Foundry: una nueva clave de servicio con él (salvo que el anclaje esté desactivado).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>  The sender needs the new certificate too (same key): cpi-cert-wizard export-p12 --profile {profile}</source>
        <translation>  El emisor también necesita el certificado nuevo (misma clave): cpi-cert-wizard export-p12 --profile {profile}</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Next: cpi-cert-wizard export-p12 --profile {profile}, then update the tenant entry.</source>
        <translation>Siguiente paso: cpi-cert-wizard export-p12 --profile {profile} y después actualice el registro en el tenant.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Next: cpi-cert-wizard export-p12 --profile {profile} (for the sender), then cpi-cert-wizard mapping --profile {profile} (for the tenant).</source>
        <translation>Siguiente paso: cpi-cert-wizard export-p12 --profile {profile} (para el emisor) y después cpi-cert-wizard mapping --profile {profile} (para el tenant).</translation>
    </message>
    <message>
        <location filename="../wizard/core/sap_sign.py" line="+2"/>
        <source>SAP replaces the subject of your CSR with its own (SAP SE, your subaccount and region, CN={cn}): what you typed for O, OU, L or C is not in the certificate.</source>
        <translation>SAP sustituye el sujeto de su CSR por el suyo propio (SAP SE, su subcuenta y región, CN={cn}): lo que introdujo en O, OU, L o C no aparece en el certificado.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>SAP replaces the subject of your CSR with its own (SAP SE, your subaccount and region): what you typed for O, OU, L or C is not in the certificate.</source>
        <translation>SAP sustituye el sujeto de su CSR por el suyo propio (SAP SE, su subcuenta y región): lo que introdujo en O, OU, L o C no aparece en el certificado.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Only the CSR (the public key) is sent; the private key stays on this machine.</source>
        <translation>Solo se envía la CSR (la clave pública); la clave privada se queda en este equipo.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP signs for 1 day to 1 year; this request: {validity}. Automatic renewal: {renew}.</source>
        <translation>SAP firma por un plazo de 1 día a 1 año; esta solicitud: {validity}. Renovación automática: {renew}.</translation>
    </message>
</context>
<context>
    <name>secret</name>
    <message>
        <location filename="../wizard/commands/secret.py" line="+34"/>
        <source>No {kind} secret of profile {profile!r} is in the keyring ({keyring}).</source>
        <translation>No hay ningún secreto {kind} del perfil {profile!r} en el llavero ({keyring}).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Derived from the batch secret {account!r} of {service} in the keyring ({keyring}) for {label}.</source>
        <translation>Derivado del secreto de lote {account!r} de {service} en el llavero ({keyring}) para {label}.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Kept in its own item {account!r} of {service} in the keyring ({keyring}).</source>
        <translation>Guardado en su propia entrada {account!r} de {service} en el llavero ({keyring}).</translation>
    </message>
</context>
<context>
    <name>secrets</name>
    <message>
        <location filename="../wizard/core/secrets.py" line="+85"/>
        <source>the private-key passphrase</source>
        <translation>la frase de contraseña de la clave privada</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the PKCS#12 password</source>
        <translation>la contraseña del PKCS#12</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the tenant API secret</source>
        <translation>el secreto de la API del tenant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the Destination service client secret</source>
        <translation>el secreto de cliente del servicio Destination</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the password for the company CA</source>
        <translation>la contraseña de la CA de la empresa</translation>
    </message>
    <message>
        <location line="+560"/>
        <source>none (no usable keyring)</source>
        <translation>ninguno (no hay ningún llavero utilizable)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The keyring backend {backend} is not one known to encrypt what it keeps (it may write secrets to a plain file), so no secret is stored there.</source>
        <translation>El backend de llavero {backend} no es uno de los que se sabe que cifran lo que guardan (puede escribir los secretos en un archivo de texto sin cifrar), así que no se guarda ahí ningún secreto.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The secrets of these profiles were stored in {keyring}, which cannot be reached now. Start or unlock it (on Linux: log in to the desktop session), then try again.</source>
        <translation>Los secretos de estos perfiles se guardaron en {keyring}, al que ahora no se puede acceder. Inícielo o desbloquéelo (en Linux: inicie sesión en el escritorio) y vuelva a intentarlo.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No usable OS keyring was found (on Linux: a SecretService such as GNOME Keyring or KWallet, unlocked). Secrets are not stored.</source>
        <translation>No se encontró ningún llavero del sistema utilizable (en Linux: un SecretService desbloqueado, como GNOME Keyring o KWallet). Los secretos no se guardan.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>You will be asked for them each time, or set {variables} in the environment.</source>
        <translation>Se le pedirán cada vez, o defina {variables} en el entorno.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>The keyring ({keyring}) is locked, so {what} cannot be used. Unlock it (log in to the desktop session or unlock &apos;Login&apos; in Passwords and Keys) and try again.</source>
        <translation>El llavero ({keyring}) está bloqueado, así que no se puede usar {what}. Desbloquéelo (inicie sesión en el escritorio o desbloquee &apos;Inicio de sesión&apos; en Contraseñas y claves) e inténtelo de nuevo.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The keyring ({keyring}) refused to handle {what}: {error}. Check that it is running and unlocked.</source>
        <translation>El llavero ({keyring}) se negó a gestionar {what}: {error}. Compruebe que está en ejecución y desbloqueado.</translation>
    </message>
    <message>
        <location line="+104"/>
        <source>Restore that item from a backup of the keyring; if it is lost, the key cannot be opened: make a new one with &apos;cpi-cert-wizard csr --profile {profile} --new-key&apos; (or set {variable} if you know the passphrase).</source>
        <translation>Restaure esa entrada desde una copia de seguridad del llavero; si se ha perdido, la clave no se puede abrir: cree una nueva con &apos;cpi-cert-wizard csr --profile {profile} --new-key&apos; (o defina {variable} si conoce la frase de contraseña).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Restore that item from a backup of the keyring, or export again (&apos;cpi-cert-wizard export-p12 --profile {profile}&apos; makes a new password), or set {variable}.</source>
        <translation>Restaure esa entrada desde una copia de seguridad del llavero, exporte de nuevo (&apos;cpi-cert-wizard export-p12 --profile {profile}&apos; crea una contraseña nueva) o defina {variable}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{What} of profile {profile!r} is derived from a batch secret, the keyring item {account!r} of {service}, which is no longer in the keyring ({keyring}).</source>
        <translation>{What} del perfil {profile!r} se deriva de un secreto de lote, la entrada {account!r} de {service} del llavero, que ya no está en el llavero ({keyring}).</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>{service} {account}: {what}</source>
        <translation>{service} {account}: {what}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{keyring}, derived from batch secret {account}</source>
        <translation>{keyring}, derivado del secreto de lote {account}</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>{What} of the profile is needed, but there is no keyring and no terminal to ask on. Set {variable} in the environment.</source>
        <translation>{What} del perfil es necesario, pero no hay llavero ni terminal donde pedirlo. Defina {variable} en el entorno.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No answer was given for {what}; nothing was changed.</source>
        <translation>No se indicó {what}; no se ha cambiado nada.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>{What} of profile {profile}: </source>
        <translation>{What} del perfil {profile}: </translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{What} of profile {profile!r} is needed and is not in a keyring: {reason} Set {variable} in the environment.</source>
        <translation>{What} del perfil {profile!r} es necesario y no está en ningún llavero: {reason} Defina {variable} en el entorno.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{What} of profile {profile!r} is not in the keyring ({keyring}). Set {variable} or store it again.</source>
        <translation>{What} del perfil {profile!r} no está en el llavero ({keyring}). Defina {variable} o vuelva a guardar el valor.</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>not stored: taken from {variable}</source>
        <translation>no guardado: tomado de {variable}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No keyring: choose {what} for profile {profile}: </source>
        <translation>Sin llavero: elija {what} para el perfil {profile}: </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{What} needs 8 characters or more.</source>
        <translation>{What} necesita 8 caracteres o más.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Type {what} for profile {profile} again: </source>
        <translation>Vuelva a escribir {what} para el perfil {profile}: </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The two entries of {what} differ; nothing was created. Try again, or set {variable} in the environment.</source>
        <translation>Las dos entradas de {what} no coinciden; no se ha creado nada. Vuelva a intentarlo o defina {variable} en el entorno.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>not stored: no keyring, you will be asked for it (or set {variable})</source>
        <translation>no guardado: no hay llavero, se le pedirá (o defina {variable})</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>The keyring refused to delete {what}: {error}.</source>
        <translation>El llavero se negó a borrar {what}: {error}.</translation>
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
        <translation>SAP NetWeaver Administrator → Configuration → Certificates and Keys (Key Storage): importe {root} en la vista TrustedCAs.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>In the same place, choose (or create) a keystore view for this sender and import {p12} there as a key pair entry (PKCS#12 with the whole chain).</source>
        <translation>En el mismo lugar, elija (o cree) una vista de keystore para este emisor e importe allí {p12} como entrada de par de claves (PKCS#12 con toda la cadena).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>In the receiver channel towards Cloud Integration (SOAP, HTTP_AAE or IDoc_AAE): the runtime host over HTTPS, authentication by client certificate with that keystore view and entry, no user and password.</source>
        <translation>En el canal receptor hacia Cloud Integration (SOAP, HTTP_AAE o IDoc_AAE): el host del runtime por HTTPS, autenticación por certificado de cliente con esa vista de keystore y esa entrada, sin usuario ni contraseña.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>SAP ABAP (S/4HANA, ECC)</source>
        <translation>SAP ABAP (S/4HANA, ECC)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>STRUST: add {root} to the certificate list of the SSL client PSE you use for this connection (SSL client Standard or a dedicated SSL client identity).</source>
        <translation>STRUST: añada {root} a la lista de certificados del PSE de cliente SSL que use para esta conexión (SSL client Standard o una identidad de cliente SSL propia).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>STRUST: import {p12} into that SSL client PSE (PSE → Import, or sapgenpse import_p12 -p &lt;file&gt;.pse {p12} and load the PSE); the PSE must hold the leaf and every intermediate.</source>
        <translation>STRUST: importe {p12} en ese PSE de cliente SSL (PSE → Importar, o sapgenpse import_p12 -p &lt;file&gt;.pse {p12} y cargue el PSE); el PSE debe contener el certificado final y todos los intermedios.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>SM59, connection type G: the runtime host, port 443, SSL active with that SSL client identity; Logon &amp; Security: SSL client certificate, without a logon user.</source>
        <translation>SM59, tipo de conexión G: el host del runtime, puerto 443, SSL activo con esa identidad de cliente SSL; Logon &amp; Security: SSL client certificate, sin usuario de inicio de sesión.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>With two or more worker nodes on the tenant side an ABAP sender gets HTTP 403 unless the profile parameter ict/disable_cookie_urlencoding is 1 or 2, depending on the kernel (SAP Note 2681175).</source>
        <translation>Con dos o más nodos de trabajo en el lado del tenant, un emisor ABAP recibe HTTP 403 salvo que el parámetro de perfil ict/disable_cookie_urlencoding valga 1 o 2, según el kernel (nota SAP 2681175).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Do not mix Basic authentication and the client certificate towards the tenant: TLS session reuse then gives intermittent 401s (SAP KBA 3584034).</source>
        <translation>No mezcle la autenticación Basic y el certificado de cliente hacia el tenant: la reutilización de sesiones TLS provoca entonces 401 intermitentes (KBA de SAP 3584034).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Java application</source>
        <translation>Aplicación Java</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>keytool -importcert -alias tenant-root -file {root} -keystore truststore.p12 -storetype PKCS12 (or rely on the JDK&apos;s cacerts if it holds the root).</source>
        <translation>keytool -importcert -alias tenant-root -file {root} -keystore truststore.p12 -storetype PKCS12 (o los cacerts del JDK si contienen la raíz).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Use {p12} as the key store (javax.net.ssl.keyStore={p12}, keyStoreType=PKCS12), or copy it into yours with keytool -importkeystore -srckeystore {p12} -srcstoretype PKCS12.</source>
        <translation>Use {p12} como keystore (javax.net.ssl.keyStore={p12}, keyStoreType=PKCS12) o cópielo en el suyo con keytool -importkeystore -srckeystore {p12} -srcstoretype PKCS12.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Call the runtime host over HTTPS with that key store; no Authorization header.</source>
        <translation>Llame al host del runtime por HTTPS con ese keystore; sin cabecera Authorization.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>An old Java that reports &apos;wrong password&apos; or a MAC error cannot read AES-256 PKCS#12: export again with --legacy.</source>
        <translation>Un Java antiguo que informa de &apos;contraseña incorrecta&apos; o de un error de MAC no puede leer PKCS#12 AES-256: exporte de nuevo con --legacy.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>.NET application</source>
        <translation>Aplicación .NET</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Windows: {root} in Trusted Root Certification Authorities (often there already).</source>
        <translation>Windows: {root} en Entidades de certificación raíz de confianza (a menudo ya está).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Load {p12} as an X509Certificate2 and add it to HttpClientHandler.ClientCertificates; put the intermediates into the Intermediate Certification Authorities store so Windows sends them.</source>
        <translation>Cargue {p12} como X509Certificate2 y añádalo a HttpClientHandler.ClientCertificates; coloque los intermedios en el almacén Entidades de certificación intermedias para que Windows los envíe.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Call the runtime host with TLS 1.2 or 1.3; no Authorization header.</source>
        <translation>Llame al host del runtime con TLS 1.2 o 1.3; sin cabecera Authorization.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&apos;Could not create SSL/TLS secure channel&apos; usually means the application offers only TLS 1.0 or 1.1: enable TLS 1.2.</source>
        <translation>&apos;Could not create SSL/TLS secure channel&apos; suele significar que la aplicación solo ofrece TLS 1.0 o 1.1: active TLS 1.2.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Postman</source>
        <translation>Postman</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Settings → Certificates → CA certificates: {root_pem} (needed when SSL certificate verification is on and the root is not in the system store).</source>
        <translation>Settings → Certificates → CA certificates: {root_pem} (necesario si la verificación de certificados SSL está activada y la raíz no está en el almacén del sistema).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Settings → Certificates → Add certificate: host = the runtime host, PFX file {p12} and its password.</source>
        <translation>Settings → Certificates → Add certificate: host = el host del runtime, archivo PFX {p12} y su contraseña.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Send the request to https://&lt;runtime host&gt;/http/&lt;address&gt; with Authorization: No Auth.</source>
        <translation>Envíe la solicitud a https://&lt;runtime host&gt;/http/&lt;address&gt; con Authorization: No Auth.</translation>
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
        <translation>--cert {chain} con --key y su frase de contraseña, o --cert-type P12 --cert {p12}; cpi-cert-wizard test-call muestra el comando exacto.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>curl &lt;options&gt; https://&lt;runtime host&gt;/http/&lt;address&gt;, without -u.</source>
        <translation>curl &lt;options&gt; https://&lt;runtime host&gt;/http/&lt;address&gt;, sin -u.</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>trust store: {text}</source>
        <translation>almacén de confianza: {text}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>key pair: {text}</source>
        <translation>par de claves: {text}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>call: {text}</source>
        <translation>llamada: {text}</translation>
    </message>
</context>
<context>
    <name>storage</name>
    <message>
        <location filename="../wizard/core/storage.py" line="+128"/>
        <source>Cannot replace {file}: another program has it open. Close it (an editor, a viewer, a virus scanner still reading it) and try again; nothing was changed.</source>
        <translation>No se puede reemplazar {file}: otro programa lo tiene abierto. Ciérrelo (un editor, un visor, un antivirus que aún lo esté leyendo) e inténtelo de nuevo; no se ha cambiado nada.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Cannot write {file}: {reason}. Check that the folder exists and is writable.</source>
        <translation>No se puede escribir {file}: {reason}. Compruebe que la carpeta existe y admite escritura.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Cannot write {file}: {reason}. Nothing was changed.</source>
        <translation>No se puede escribir {file}: {reason}. No se ha cambiado nada.</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>{file} is a folder, not {what}. Give the file itself.</source>
        <translation>{file} es una carpeta, no {what}. Indique el propio archivo.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{file} is a named pipe (FIFO), not {what}: reading it could wait forever. Save what you want to give into a regular file and give that file.</source>
        <translation>{file} es una tubería con nombre (FIFO), no {what}: leerla podría esperar indefinidamente. Guarde el contenido en un archivo normal e indique ese archivo.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{file} is a device, not {what}: reading it may never end. Give a regular file.</source>
        <translation>{file} es un dispositivo, no {what}: su lectura podría no terminar nunca. Indique un archivo normal.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{file} is not a regular file (a socket or similar), not {what}.</source>
        <translation>{file} no es un archivo normal (un socket o similar), no {what}.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{file} is {size} MB; {what} is never that large (limit {limit} MB). Check that you picked the right file.</source>
        <translation>{file} ocupa {size} MB; {what} nunca es tan grande (límite: {limit} MB). Compruebe que ha elegido el archivo correcto.</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>{file} does not exist. Check the path.</source>
        <translation>{file} no existe. Compruebe la ruta.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{file} cannot be read (permission denied).</source>
        <translation>No se puede leer {file} (permiso denegado).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{file} cannot be read: {reason}.</source>
        <translation>No se puede leer {file}: {reason}.</translation>
    </message>
    <message>
        <location line="+81"/>
        <source>process {pid}</source>
        <translation>el proceso {pid}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>another process</source>
        <translation>otro proceso</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>it is a symbolic link, which is never followed; remove it</source>
        <translation>es un enlace simbólico, que nunca se sigue; elimínelo</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>it is a folder; remove it</source>
        <translation>es una carpeta; elimínela</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Cannot create the lock file {file}: {reason}.</source>
        <translation>No se puede crear el archivo de bloqueo {file}: {reason}.</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>{what} is being changed by {holder}, which did not finish within {seconds} s. Wait for it to finish (or close the other cpi-cert-wizard) and try again.</source>
        <translation>{what} lo está modificando {holder}, que no ha terminado en {seconds} s. Espere a que termine (o cierre el otro cpi-cert-wizard) e inténtelo de nuevo.</translation>
    </message>
</context>
<context>
    <name>test_call</name>
    <message>
        <location filename="../wizard/commands/test_call.py" line="+93"/>
        <source>the message body</source>
        <translation>el cuerpo del mensaje</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>no HTTP answer</source>
        <translation>sin respuesta HTTP</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{method} {url}: {status} after {seconds} s</source>
        <translation>{method} {url}: {status} tras {seconds} s</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Evidence:</source>
        <translation>Evidencias:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Next: {step}</source>
        <translation>Siguiente paso: {step}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The same call with curl (the passphrase is fetched, not shown):</source>
        <translation>La misma llamada con curl (la frase de contraseña se obtiene, no se muestra):</translation>
    </message>
</context>
<context>
    <name>testcall</name>
    <message>
        <location filename="../wizard/core/client_identity.py" line="+11"/>
        <source>Profile {profile!r} has no private key ({file}). Create the key and CSR first (csr), or import a PKCS#12 (import-p12).</source>
        <translation>El perfil {profile!r} no tiene clave privada ({file}). Cree primero la clave y la CSR (csr) o importe un PKCS#12 (import-p12).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Profile {profile!r} has no private key ({file}). Create the key and request first on the step &apos;Key and certificate request&apos;.</source>
        <translation>El perfil {profile!r} no tiene clave privada ({file}). Cree primero la clave y la solicitud en el paso «Clave y solicitud de certificado».</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Profile {profile!r} has no certificate yet. Import what the CA sent back (import-reply) or a PKCS#12 (import-p12) first.</source>
        <translation>El perfil {profile!r} aún no tiene certificado. Importe primero lo que devolvió la CA (import-reply) o un PKCS#12 (import-p12).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Profile {profile!r} has no certificate yet. Import what the CA sent back first, on the step &apos;Signed certificate&apos;.</source>
        <translation>El perfil {profile!r} aún no tiene certificado. Importe primero lo que devolvió la CA, en el paso «Certificado firmado».</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>The certificate in {file} ({subject}) does not belong to the private key of profile {profile!r}. Import the certificate issued for this profile&apos;s CSR again.</source>
        <translation>El certificado de {file} ({subject}) no corresponde a la clave privada del perfil {profile!r}. Vuelva a importar el certificado emitido para la CSR de este perfil.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Profile {profile!r} has no saved tenant root ({file}). Read it with fetch-root first, or choose --trust system or --trust FILE.</source>
        <translation>El perfil {profile!r} no tiene guardada la raíz del tenant ({file}). Léala primero con fetch-root o elija --trust system o --trust FILE.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the tenant root saved by fetch-root ({subject})</source>
        <translation>la raíz del tenant guardada por fetch-root ({subject})</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>No system trust store could be read on this computer. Save the tenant root with fetch-root, or give the root file with --trust FILE.</source>
        <translation>No se ha podido leer ningún almacén de confianza del sistema en este ordenador. Guarde la raíz del tenant con fetch-root o indique el archivo de la raíz con --trust FILE.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>the system trust store</source>
        <translation>el almacén de confianza del sistema</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>a root certificate for the tenant</source>
        <translation>un certificado raíz para el tenant</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the certificates in {file}</source>
        <translation>los certificados de {file}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The acceptable-CA name {value!r} in {source} is not an RFC 4514 name; run fetch-root again.</source>
        <translation>El nombre de CA aceptable {value!r} de {source} no es un nombre RFC 4514; vuelva a ejecutar fetch-root.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>a file of accepted client root certificates</source>
        <translation>un archivo de certificados raíz de cliente aceptados</translation>
    </message>
    <message>
        <location filename="../wizard/core/testcall.py" line="+260"/>
        <source>The timeout must be a positive number of seconds.</source>
        <translation>El tiempo de espera debe ser un número positivo de segundos.</translation>
    </message>
    <message>
        <location line="+58"/>
        <source>This call sends an Authorization header as well as the client certificate. SAP KBA 3584034: a sender that mixes Basic authentication and client certificates towards the tenant gets intermittent 401s through TLS session reuse; use one authentication type per sender.</source>
        <translation>Esta llamada envía una cabecera Authorization además del certificado de cliente. KBA de SAP 3584034: un emisor que mezcla autenticación Basic y certificados de cliente hacia el tenant recibe 401 intermitentes por la reutilización de sesiones TLS; use un solo tipo de autenticación por emisor.</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Profile {profile!r} has no tenant URL; give the endpoint with --url (for example https://&lt;runtime host&gt;/http/&lt;address&gt;).</source>
        <translation>El perfil {profile!r} no tiene URL del tenant; indique el punto final con --url (por ejemplo, https://&lt;runtime host&gt;/http/&lt;address&gt;).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Profile {profile!r} has no tenant URL; give the endpoint on the first step (for example https://&lt;runtime host&gt;/http/&lt;address&gt;).</source>
        <translation>El perfil {profile!r} no tiene URL del tenant; indique el endpoint en el primer paso (por ejemplo https://&lt;runtime host&gt;/http/&lt;address&gt;).</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>{url!r} is not an https:// URL. The tenant accepts client certificates only over TLS: use https://&lt;runtime host&gt;/http/&lt;address&gt;.</source>
        <translation>{url!r} no es una URL https://. El tenant solo acepta certificados de cliente mediante TLS: use https://&lt;runtime host&gt;/http/&lt;address&gt;.</translation>
    </message>
    <message>
        <location line="+90"/>
        <source>Connected to {target}.</source>
        <translation>Conectado a {target}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Connected to {target} through the proxy {proxy} (CONNECT).</source>
        <translation>Conectado a {target} a través del proxy {proxy} (CONNECT).</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>{where} does not speak TLS: it answered {what}.</source>
        <translation>{where} no habla TLS: respondió {what}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{where} started the TLS handshake but did not finish it within {timeout:g} s.</source>
        <translation>{where} inició el handshake TLS pero no lo terminó en {timeout:g} s.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{where} accepted the connection but sent no TLS answer within {timeout:g} s.</source>
        <translation>{where} aceptó la conexión pero no envió ninguna respuesta TLS en {timeout:g} s.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>The server presented {chain}.</source>
        <translation>El servidor presentó: {chain}.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>It is not trusted against {trusted}: {problem}.</source>
        <translation>No es de confianza con respecto a {trusted}: {problem}.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>What it received: your client certificate (public, like a business card) if it asked for one in the handshake. No request, no data and no secret (no key, no password) was sent.</source>
        <translation>Lo que recibió: su certificado de cliente (público, como una tarjeta de visita) si lo pidió en el handshake. No se envió ninguna solicitud, ningún dato ni ningún secreto (ni clave ni contraseña).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{protocol}: the server&apos;s certificate {name} is trusted: it leads to {trusted}.</source>
        <translation>{protocol}: el certificado del servidor {name} es de confianza: lleva a {trusted}.</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>no names</source>
        <translation>sin nombres</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The server asked for a client certificate (acceptable CAs: {listed}); we sent {chain}.</source>
        <translation>El servidor pidió un certificado de cliente (CA aceptables: {listed}); enviado: {chain}.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The server did not ask for a client certificate, so none was sent.</source>
        <translation>El servidor no pidió ningún certificado de cliente, así que no se envió ninguno.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>{where} closed the connection without answering the TLS handshake.</source>
        <translation>{where} cerró la conexión sin responder al handshake TLS.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{where} closed the connection in the middle of the TLS handshake.</source>
        <translation>{where} cerró la conexión en mitad del handshake TLS.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{where} ended the TLS handshake after our client certificate: {reasons}.</source>
        <translation>{where} terminó el handshake TLS tras nuestro certificado de cliente: {reasons}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No TLS session with {where}: {reasons} (no protocol version or cipher in common, or the server refused this host name).</source>
        <translation>No hay sesión TLS con {where}: {reasons} (ninguna versión de protocolo ni cifrado en común, o el servidor rechazó este nombre de host).</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>{where} accepted the request but did not answer within {timeout:g} s (a slow flow needs a larger --timeout).</source>
        <translation>{where} aceptó la solicitud pero no respondió en {timeout:g} s (un flujo lento necesita un --timeout mayor).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{where} accepted the request but did not answer within {timeout:g} s (a slow flow may answer when you call again).</source>
        <translation>{where} aceptó la solicitud pero no respondió en {timeout:g} s (un flujo lento quizá responda si vuelve a llamar).</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The TLS connection to {where} failed: {reasons}.</source>
        <translation>La conexión TLS con {where} falló: {reasons}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{where} closed the connection after the handshake without an answer ({error}); servers do this when they refuse the client certificate without saying why.</source>
        <translation>{where} cerró la conexión tras el handshake sin responder ({error}); los servidores lo hacen cuando rechazan el certificado de cliente sin indicar el motivo.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{where} gave no usable HTTP answer ({error}: {reason}).</source>
        <translation>{where} no dio ninguna respuesta HTTP utilizable ({error}: {reason}).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The answer begins: {excerpt}</source>
        <translation>La respuesta empieza así: {excerpt}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Redirected to {location}: not an integration flow endpoint (a login page or the management host?).</source>
        <translation>Redirigido a {location}: no es un punto final de flujo de integración (¿una página de inicio de sesión o el host de gestión?).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The answer asks for credentials: WWW-Authenticate: {value}.</source>
        <translation>La respuesta pide credenciales: WWW-Authenticate: {value}.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The server says it could not verify the client certificate.</source>
        <translation>El servidor indica que no pudo verificar el certificado de cliente.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The server says no client certificate arrived.</source>
        <translation>El servidor indica que no llegó ningún certificado de cliente.</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>The pre-checks found problems with the chain: {checks} (see above).</source>
        <translation>Las comprobaciones previas encontraron problemas en la cadena: {checks} (véase más arriba).</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>A load balancer drops such a chain, so the tool believes the tenant saw no certificate (the access log would show &apos;-&apos; as the user).</source>
        <translation>Un balanceador de carga descarta una cadena así, por lo que la herramienta supone que el tenant no vio ningún certificado (el registro de acceso mostraría &apos;-&apos; como usuario).</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>the server sent no acceptable-CA names</source>
        <translation>el servidor no envió nombres de CA aceptadas</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the server&apos;s acceptable-CA names do not settle it</source>
        <translation>los nombres de CA aceptadas del servidor no lo deciden</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Why the tool believes the load balancer dropped the chain: {named}, and the root {root} is not confirmed by {version}. If that root is on SAP&apos;s current list (SAP Note 2801396), the certificate reached the tenant and is not mapped (NOT_MAPPED) instead; the access log line of this call tells the two apart.</source>
        <translation>Por qué la herramienta supone que el balanceador de carga descartó la cadena: {named}, y la raíz {root} no está confirmada por {version}. Si esa raíz está en la lista actual de SAP (nota SAP 2801396), el certificado llegó al tenant y, en su lugar, no está asignado (NOT_MAPPED); la línea de esta llamada en el registro de acceso distingue ambos casos.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The chain should pass the load balancer, so the tool believes the certificate reached the tenant but is not known there (the access log would show &apos;&lt;CN&gt;@&lt;issuer CN&gt;&apos; as the user).</source>
        <translation>La cadena debería pasar el balanceador de carga, así que la herramienta supone que el certificado llegó al tenant pero allí no se conoce (el registro de acceso mostraría &apos;&lt;CN&gt;@&lt;issuer CN&gt;&apos; como usuario).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Could not tell: {checks}.</source>
        <translation>No se ha podido determinar: {checks}.</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>SAP&apos;s answer says invalid_client: the client certificate is not configured exactly once in a service key (SAP KBA 3224701). So the certificate passed the load balancer and reached the tenant; it is in no service key of a Process Integration Runtime instance, or in more than one.</source>
        <translation>La respuesta de SAP dice invalid_client: el certificado de cliente no está configurado en exactamente una clave de servicio (KBA de SAP 3224701). Así que el certificado pasó el balanceador de carga y llegó al tenant; no está en ninguna clave de servicio de una instancia de Process Integration Runtime, o está en más de una.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The answer carries X-CSRF-Token: Required: the sender channel is CSRF protected and the call brought no valid token. Fetch one first (GET with X-CSRF-Token: Fetch, keep the cookies) or untick CSRF Protected in the channel; the certificate and the role are fine.</source>
        <translation>La respuesta lleva X-CSRF-Token: Required: el canal emisor está protegido contra CSRF y la llamada no traía un token válido. Obtenga uno primero (GET con X-CSRF-Token: Fetch, conservando las cookies) o desmarque CSRF Protected en el canal; el certificado y el rol están bien.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The server never asked for a client certificate, so none was sent: this is not SAP&apos;s load balancer in front of a runtime node. Check that the URL is the runtime host (not the management host) and that no proxy or API Management ends TLS in between; sending intermediates or changing the CA will not help.</source>
        <translation>El servidor nunca pidió un certificado de cliente, así que no se envió ninguno: no es el balanceador de carga de SAP delante de un nodo de runtime. Compruebe que la URL es el host del runtime (no el host de gestión) y que ningún proxy ni API Management termina TLS en medio; enviar los intermedios o cambiar de CA no ayudará.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>no certificate</source>
        <translation>ningún certificado</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{names} (no intermediate)</source>
        <translation>{names} (sin intermedio)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{names} (%n intermediate(s))</source>
        <translation>{names} (%n intermedio(s))</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{where} rejected our client certificate with a TLS alert: {reasons}.</source>
        <translation>{where} rechazó nuestro certificado de cliente con una alerta TLS: {reasons}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{where} closed the connection right after our client certificate, without an answer.</source>
        <translation>{where} cerró la conexión justo después de nuestro certificado de cliente, sin responder.</translation>
    </message>
</context>
<context>
    <name>tlsprobe</name>
    <message>
        <location filename="../wizard/core/tlsprobe.py" line="+69"/>
        <source>No target given: pass the tenant&apos;s runtime URL or host, for example https://my-tenant.it-cpi018-rt.cfapps.eu10-003.hana.ondemand.com/http/orders.</source>
        <translation>No se ha indicado ningún destino: pase la URL o el host de tiempo de ejecución del tenant, por ejemplo, https://my-tenant.it-cpi018-rt.cfapps.eu10-003.hana.ondemand.com/http/orders.</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>{raw!r} is a {scheme}:// address; give an https:// URL, a host name or host:port.</source>
        <translation>{raw!r} es una dirección {scheme}://; indique una URL https://, un nombre de host o host:puerto.</translation>
    </message>
    <message>
        <location line="-9"/>
        <location line="+30"/>
        <source>{raw!r}: the IPv6 address has no closing &apos;]&apos;.</source>
        <translation>{raw!r}: a la dirección IPv6 le falta el &apos;]&apos; de cierre.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>{raw!r}: {port!r} is not a port number (1 to 65535).</source>
        <translation>{raw!r}: {port!r} no es un número de puerto (de 1 a 65535).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{raw!r}: {host!r} is not a valid host name.</source>
        <translation>{raw!r}: {host!r} no es un nombre de host válido.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{raw!r} has no host name.</source>
        <translation>{raw!r} no tiene nombre de host.</translation>
    </message>
    <message>
        <location filename="../wizard/core/proxies.py" line="+46"/>
        <source>Proxy scheme {scheme}:// is not supported; give an http:// proxy URL (the usual kind: it tunnels TLS with CONNECT), for example http://proxy.corp:3128.</source>
        <translation>El esquema de proxy {scheme}:// no se admite; indique una URL de proxy http:// (el tipo habitual: tuneliza TLS con CONNECT), por ejemplo, http://proxy.corp:3128.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The proxy address has no usable host and port; write it like http://proxy.corp:3128.</source>
        <translation>La dirección del proxy no tiene un host y un puerto utilizables; escríbala así: http://proxy.corp:3128.</translation>
    </message>
    <message>
        <location filename="../wizard/core/tlsprobe.py" line="+63"/>
        <source>The timeout must be a positive number of seconds.</source>
        <translation>El tiempo de espera debe ser un número positivo de segundos.</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>the proxy {proxy}</source>
        <translation>el proxy {proxy}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Looking up {host} (for {where}) took longer than {timeout:g} s. Check the network and DNS settings, or raise --timeout.</source>
        <translation>La búsqueda de {host} (para {where}) tardó más de {timeout:g} s. Compruebe la configuración de red y DNS, o aumente --timeout.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Looking up {host} (for {where}) took longer than {timeout:g} s. Check the network and DNS settings, then try again.</source>
        <translation>La resolución de {host} (para {where}) tardó más de {timeout:g} s. Compruebe la configuración de red y DNS y vuelva a intentarlo.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Check the proxy address in --proxy or HTTPS_PROXY.</source>
        <translation>Compruebe la dirección del proxy en --proxy o HTTPS_PROXY.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check the proxy address in the system&apos;s proxy settings or HTTPS_PROXY.</source>
        <translation>Compruebe la dirección del proxy en la configuración de proxy del sistema o en HTTPS_PROXY.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Check the spelling (copy the host from the tenant&apos;s URL or service key); if this computer reaches the internet only through a proxy, give it with --proxy or HTTPS_PROXY.</source>
        <translation>Compruebe la ortografía (copie el host de la URL del tenant o de la clave de servicio); si este ordenador solo accede a Internet mediante un proxy, indíquelo con --proxy o HTTPS_PROXY.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Check the spelling on the first step (copy the host from the tenant&apos;s URL or service key); if this computer reaches the internet only through a proxy, set it in the system&apos;s proxy settings or HTTPS_PROXY and start the wizard again.</source>
        <translation>Compruebe la ortografía en el primer paso (copie el host de la URL del tenant o de la clave de servicio); si este equipo solo llega a internet a través de un proxy, indíquelo en la configuración de proxy del sistema o en HTTPS_PROXY y vuelva a iniciar el asistente.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The name {host} (for {where}) cannot be resolved: {reason}. {hint}</source>
        <translation>El nombre {host} (para {where}) no se puede resolver: {reason}. {hint}</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Check the proxy address and that the proxy is running.</source>
        <translation>Compruebe la dirección del proxy y que el proxy esté en ejecución.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nothing listens on that port: check the port (the tenant&apos;s runtime uses 443) and the host.</source>
        <translation>No hay nada a la escucha en ese puerto: compruebe el puerto (el tiempo de ejecución del tenant usa el 443) y el host.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{where} refused the connection. {what}</source>
        <translation>{where} rechazó la conexión. {what}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Connecting to {where} took longer than {timeout:g} s. A firewall may drop the connection, or a proxy is needed (--proxy or HTTPS_PROXY); raise --timeout if the line is slow.</source>
        <translation>La conexión con {where} tardó más de {timeout:g} s. Puede que un cortafuegos descarte la conexión o que se necesite un proxy (--proxy o HTTPS_PROXY); aumente --timeout si la línea es lenta.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Connecting to {where} took longer than {timeout:g} s. A firewall may drop the connection, or a proxy is needed (the system&apos;s proxy settings or HTTPS_PROXY); try again if the line is slow.</source>
        <translation>La conexión con {where} tardó más de {timeout:g} s. Puede que un cortafuegos descarte la conexión o que haga falta un proxy (la configuración de proxy del sistema o HTTPS_PROXY); inténtelo de nuevo si la línea es lenta.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{where} cannot be reached: {reason}. Check the network, the host, and whether a proxy is needed (--proxy or HTTPS_PROXY).</source>
        <translation>No se puede acceder a {where}: {reason}. Compruebe la red, el host y si se necesita un proxy (--proxy o HTTPS_PROXY).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{where} cannot be reached: {reason}. Check the network, the host, and whether a proxy is needed (the system&apos;s proxy settings or HTTPS_PROXY).</source>
        <translation>No se puede llegar a {where}: {reason}. Compruebe la red, el host y si hace falta un proxy (la configuración de proxy del sistema o HTTPS_PROXY).</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>The proxy {proxy} did not answer the tunnel request to {target} within {timeout:g} s. Check the proxy, or raise --timeout.</source>
        <translation>El proxy {proxy} no respondió a la solicitud de túnel hacia {target} en {timeout:g} s. Compruebe el proxy o aumente --timeout.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The proxy {proxy} did not answer the tunnel request to {target} within {timeout:g} s. Check the proxy, then try again.</source>
        <translation>El proxy {proxy} no respondió a la solicitud de túnel hacia {target} en {timeout:g} s. Compruebe el proxy y vuelva a intentarlo.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The proxy {proxy} did not open a tunnel to {target}: it answered the CONNECT request unlike an HTTP proxy ({error}). Check that this address is an HTTP proxy.</source>
        <translation>El proxy {proxy} no abrió un túnel hacia {target}: respondió a la solicitud CONNECT de forma distinta a un proxy HTTP ({error}). Compruebe que esta dirección es un proxy HTTP.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>It wants credentials: set them in the environment variable HTTPS_PROXY (http://user:password@proxy:port), not on the command line, where other users of the machine can read them.</source>
        <translation>Pide credenciales: defínalas en la variable de entorno HTTPS_PROXY (http://user:password@proxy:port), no en la línea de comandos, donde otros usuarios del equipo pueden leerlas.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Its rules do not allow a tunnel to {target}; ask the proxy&apos;s administrators to allow CONNECT to this host and port.</source>
        <translation>Sus reglas no permiten un túnel hacia {target}; pida a los administradores del proxy que permitan CONNECT a este host y puerto.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The proxy could not reach {target}: check the host name and port.</source>
        <translation>El proxy no pudo acceder a {target}: compruebe el nombre de host y el puerto.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The proxy could not reach {target} in time.</source>
        <translation>El proxy no pudo acceder a {target} a tiempo.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Check the proxy settings.</source>
        <translation>Compruebe la configuración del proxy.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The proxy {proxy} refused to open a tunnel to {target}: {status} {reason}. {hint}</source>
        <translation>El proxy {proxy} se negó a abrir un túnel hacia {target}: {status} {reason}. {hint}</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>{target} (through the proxy {proxy})</source>
        <translation>{target} (a través del proxy {proxy})</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>{where} started the TLS handshake but did not finish it within {timeout:g} s. The port may speak another protocol that waits for the client, or a firewall holds the connection; check host and port (the tenant&apos;s runtime uses 443), or raise --timeout.</source>
        <translation>{where} inició el handshake TLS pero no lo terminó en {timeout:g} s. Puede que el puerto hable otro protocolo que espera al cliente o que un cortafuegos retenga la conexión; compruebe el host y el puerto (el tiempo de ejecución del tenant usa el 443) o aumente --timeout.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{where} started the TLS handshake but did not finish it within {timeout:g} s. The port may speak another protocol that waits for the client, or a firewall holds the connection; check host and port on the first step (the tenant&apos;s runtime uses 443).</source>
        <translation>{where} inició el handshake TLS pero no lo terminó en {timeout:g} s. Puede que el puerto hable otro protocolo que espera al cliente o que un cortafuegos retenga la conexión; compruebe el host y el puerto en el primer paso (el tiempo de ejecución del tenant usa el 443).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{where} accepted the connection but sent no TLS answer within {timeout:g} s. The port may speak another protocol that waits for the client, or a firewall holds the connection; check host and port (the tenant&apos;s runtime uses 443), or raise --timeout.</source>
        <translation>{where} aceptó la conexión pero no envió ninguna respuesta TLS en {timeout:g} s. Puede que el puerto hable otro protocolo que espera al cliente o que un cortafuegos retenga la conexión; compruebe el host y el puerto (el tiempo de ejecución del tenant usa el 443) o aumente --timeout.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{where} accepted the connection but sent no TLS answer within {timeout:g} s. The port may speak another protocol that waits for the client, or a firewall holds the connection; check host and port on the first step (the tenant&apos;s runtime uses 443).</source>
        <translation>{where} aceptó la conexión pero no envió ninguna respuesta TLS en {timeout:g} s. Puede que el puerto hable otro protocolo que espera al cliente o que un cortafuegos retenga la conexión; compruebe el host y el puerto en el primer paso (el tiempo de ejecución del tenant usa el 443).</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>plain HTTP ({line!r})</source>
        <translation>HTTP sin cifrar ({line!r})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This is an http:// port; the tenant&apos;s runtime speaks TLS on 443.</source>
        <translation>Este es un puerto http://; el tiempo de ejecución del tenant habla TLS en el 443.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>something that is not TLS: {what}</source>
        <translation>algo que no es TLS: {what}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check the port: the tenant&apos;s runtime speaks TLS on 443.</source>
        <translation>Compruebe el puerto: el tiempo de ejecución del tenant habla TLS en el 443.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{where} does not speak TLS: it answered {what}. {hint}</source>
        <translation>{where} no habla TLS: respondió {what}. {hint}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{where} closed the connection in the middle of the TLS handshake.</source>
        <translation>{where} cerró la conexión en mitad del handshake TLS.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{where} closed the connection without answering the TLS handshake.</source>
        <translation>{where} cerró la conexión sin responder al handshake TLS.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> The port may not speak TLS, or does not serve the name {sni!r} (give the right one with --servername); check host and port (the tenant&apos;s runtime uses 443).</source>
        <translation> Puede que el puerto no hable TLS o que no sirva el nombre {sni!r} (indique el correcto con --servername); compruebe el host y el puerto (el tiempo de ejecución del tenant usa el 443).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> The port may not speak TLS, or does not serve the name {sni!r}; check host and port on the first step (the tenant&apos;s runtime uses 443).</source>
        <translation> Puede que el puerto no hable TLS o no sirva el nombre {sni!r}; compruebe el host y el puerto en el primer paso (el tiempo de ejecución del tenant usa el 443).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source> The port may not speak TLS; check host and port (the tenant&apos;s runtime uses 443).</source>
        <translation> Puede que el puerto no hable TLS; compruebe el host y el puerto (el tiempo de ejecución del tenant usa el 443).</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>{where} and this program have no TLS version in common ({reasons}). The server offers only versions this program does not use (it needs TLS 1.2 or 1.3, as SAP Cloud Integration does): check that this is the tenant&apos;s runtime host.</source>
        <translation>{where} y este programa no tienen ninguna versión de TLS en común ({reasons}). El servidor solo ofrece versiones que este programa no usa (necesita TLS 1.2 o 1.3, como SAP Cloud Integration): compruebe que es el host de tiempo de ejecución del tenant.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{where} refused the TLS handshake ({reasons}): no cipher suite or key exchange in common with this program&apos;s TLS 1.2/1.3 defaults. Check that this is the tenant&apos;s runtime host and port.</source>
        <translation>{where} rechazó el handshake TLS ({reasons}): no hay ningún conjunto de cifrado ni intercambio de claves en común con los valores por defecto de TLS 1.2/1.3 de este programa. Compruebe que son el host y el puerto de tiempo de ejecución del tenant.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{where} does not serve the name {sni!r} ({reasons}). Check the host, or give the name it expects with --servername.</source>
        <translation>{where} no sirve el nombre {sni!r} ({reasons}). Compruebe el host o indique el nombre que espera con --servername.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{where} does not serve the name {sni!r} ({reasons}). Check the host on the first step.</source>
        <translation>{where} no sirve el nombre {sni!r} ({reasons}). Compruebe el host en el primer paso.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The TLS handshake with {where} failed: {reasons}. Check host and port (the tenant&apos;s runtime uses 443).</source>
        <translation>El handshake TLS con {where} falló: {reasons}. Compruebe el host y el puerto (el tiempo de ejecución del tenant usa el 443).</translation>
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
        <translation>Al usuario le falta el rol del canal</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The certificate was accepted and the call authenticated as {user}, who lacks {the_role} (the user role the sender channel checks; HTTP 403).</source>
        <translation>El certificado se aceptó y la llamada se autenticó como {user}, a quien le falta {the_role} (el rol de usuario que comprueba el canal emisor; HTTP 403).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Give {user} {the_role}, or set the channel&apos;s user role to one {user} has.</source>
        <translation>Asigne {the_role} a {user}, o configure en el canal un rol de usuario que {user} tenga.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Give {user} {the_role}: SAP BTP cockpit → Neo subaccount → Security → Authorizations → {user} → Show Assignments → Assign → the application ending in &apos;iflmap&apos; → {role}. (A custom role must first exist on that application.)</source>
        <translation>Asigne {the_role} a {user}: SAP BTP cockpit → subcuenta Neo → Security → Authorizations → {user} → Show Assignments → Assign → la aplicación que termina en &apos;iflmap&apos; → {role}. (Un rol personalizado debe existir antes en esa aplicación.)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Add {role} to the &quot;roles&quot; parameter of the Process Integration Runtime instance whose service key holds this certificate (cf update-service INSTANCE -c service-instance.json); the change can take up to an hour to apply.</source>
        <translation>Añada {role} al parámetro &quot;roles&quot; de la instancia de Process Integration Runtime cuya clave de servicio contiene este certificado (cf update-service INSTANCE -c service-instance.json); el cambio puede tardar hasta una hora en aplicarse.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The flow&apos;s certificate list does not contain this certificate</source>
        <translation>La lista de certificados del flujo de integración no contiene este certificado</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The sender channel checks client certificates itself (Authorization = Client Certificate) and its list has no entry with subject {subject} and issuer {issuer} (HTTP 403).</source>
        <translation>El canal emisor comprueba él mismo los certificados de cliente (Authorization = Client Certificate) y su lista no tiene ninguna entrada con el sujeto {subject} y el emisor {issuer} (HTTP 403).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Add the certificate to the sender channel: upload client.crt from cpi-cert-wizard mapping --profile &lt;profile&gt; --flow-certificate (or type its Subject DN and Issuer DN exactly as printed there), then redeploy the flow. Or switch the channel to Authorization = User Role and map the certificate (the recommended option).</source>
        <translation>Añada el certificado al canal emisor: cargue client.crt de cpi-cert-wizard mapping --profile &lt;profile&gt; --flow-certificate (o escriba su Subject DN y su Issuer DN exactamente como se muestran allí) y vuelva a desplegar el flujo de integración. O cambie el canal a Authorization = User Role y asigne el certificado (la opción recomendada).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The CSRF token check failed</source>
        <translation>La comprobación del token CSRF falló</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The sender channel is CSRF protected and the call brought no valid X-CSRF-Token (HTTP 403): the certificate and the role are fine.</source>
        <translation>El canal emisor está protegido contra CSRF y la llamada no trajo ningún X-CSRF-Token válido (HTTP 403): el certificado y el rol están bien.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Have the sender fetch a token first (a GET with header X-CSRF-Token: Fetch, keep the session cookies, send the token back with the POST), or untick CSRF Protected in the sender channel if the sender cannot do that, and redeploy.</source>
        <translation>Haga que el emisor obtenga primero un token (un GET con la cabecera X-CSRF-Token: Fetch, conserve las cookies de sesión y devuelva el token con el POST), o desmarque CSRF Protected en el canal emisor si el emisor no puede hacerlo, y vuelva a desplegar.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The certificate is not in exactly one service key</source>
        <translation>El certificado no está en exactamente una clave de servicio</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant found the certificate in no service key, or in more than one (invalid_client; HTTP 401).</source>
        <translation>El tenant no encontró el certificado en ninguna clave de servicio, o lo encontró en más de una (invalid_client; HTTP 401).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Put the leaf certificate into exactly one service key of type External Certificate (cpi-cert-wizard mapping --profile &lt;profile&gt; --env cf) and delete any other key that holds it.</source>
        <translation>Ponga el certificado hoja en exactamente una clave de servicio de tipo External Certificate (cpi-cert-wizard mapping --profile &lt;profile&gt; --env cf) y elimine cualquier otra clave que lo contenga.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The certificate is not mapped to a user</source>
        <translation>El certificado no está asignado a ningún usuario</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The certificate reached the tenant but no user is mapped to it (HTTP 401).</source>
        <translation>El certificado llegó al tenant, pero no hay ningún usuario asignado a él (HTTP 401).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Register exactly this certificate for a user.</source>
        <translation>Registre exactamente este certificado para un usuario.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add this exact certificate (client.cer, serial included) in Certificate-to-User Mappings with a user name: cpi-cert-wizard mapping --profile &lt;profile&gt; --env neo.</source>
        <translation>Añada exactamente este certificado (client.cer, con su número de serie) en la asignación de certificado a usuario con un nombre de usuario: cpi-cert-wizard mapping --profile &lt;profile&gt; --env neo.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Create a service key of type External Certificate with this leaf: cpi-cert-wizard mapping --profile &lt;profile&gt; --env cf.</source>
        <translation>Cree una clave de servicio de tipo External Certificate con este certificado hoja: cpi-cert-wizard mapping --profile &lt;profile&gt; --env cf.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>XSUAA could not authenticate the OAuth client</source>
        <translation>XSUAA no pudo autenticar el cliente OAuth</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant could not turn the caller into an OAuth client (HTTP 401). With a client certificate on Cloud Foundry this is logged when the certificate is in no service key, or, with Pin Certificate off, when several service keys hold certificates with the same subject and issuer DN (SAP KBA 3364579). SAP calls the message generic: the subaccount&apos;s audit log (&apos;Multiple clones found for certificate …&apos;) confirms the conflict.</source>
        <translation>El tenant no pudo convertir al llamante en un cliente OAuth (HTTP 401). Con un certificado de cliente en Cloud Foundry esto se registra cuando el certificado no está en ninguna clave de servicio o, con Pin Certificate desactivado, cuando varias claves de servicio contienen certificados con los mismos DN de sujeto y emisor (SAP KBA 3364579). SAP considera el mensaje genérico: el registro de auditoría de la subcuenta (&apos;Multiple clones found for certificate …&apos;) confirma el conflicto.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Keep each certificate in exactly one service key; with Pin Certificate off, keep each subject and issuer DN in one key only and delete the conflicting keys (cpi-cert-wizard mapping --profile &lt;profile&gt; --env cf). Check the subaccount&apos;s audit log for &apos;Multiple clones found for certificate&apos;.</source>
        <translation>Mantenga cada certificado en exactamente una clave de servicio; con Pin Certificate desactivado, mantenga cada DN de sujeto y emisor en una sola clave y elimine las claves en conflicto (cpi-cert-wizard mapping --profile &lt;profile&gt; --env cf). Busque &apos;Multiple clones found for certificate&apos; en el registro de auditoría de la subcuenta.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>No credentials reached the runtime</source>
        <translation>No llegaron credenciales al runtime</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The call reached the runtime without credentials it could use (HTTP 401): no certificate was forwarded and no user or token came with it. (The message is the runtime&apos;s security framework&apos;s; SAP does not document it for this case, so this reading is the tool&apos;s.)</source>
        <translation>La llamada llegó al runtime sin credenciales utilizables (HTTP 401): no se reenvió ningún certificado y no llegó ningún usuario ni token. (El mensaje es del framework de seguridad del runtime; SAP no lo documenta para este caso, así que esta interpretación es de la herramienta.)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Make sure the sender presents its client certificate with the whole chain to the runtime host: cpi-cert-wizard test-call --profile &lt;profile&gt; shows whether the server asks for a certificate and whether the chain passes.</source>
        <translation>Asegúrese de que el emisor presente su certificado de cliente con toda la cadena al host del runtime: cpi-cert-wizard test-call --profile &lt;profile&gt; muestra si el servidor pide un certificado y si la cadena es válida.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Authentication failed</source>
        <translation>La autenticación falló</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant could not authenticate the caller (HTTP 401); the trace text says how.</source>
        <translation>El tenant no pudo autenticar al llamante (HTTP 401); el texto de la traza dice cómo.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Check that the certificate is registered: Certificate-to-User Mapping (Neo) or exactly one service key (Cloud Foundry), and that the sender sends the whole chain.</source>
        <translation>Compruebe que el certificado está registrado: asignación de certificado a usuario (Neo) o exactamente una clave de servicio (Cloud Foundry), y que el emisor envía toda la cadena.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Authorization failed</source>
        <translation>La autorización falló</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The caller was authenticated but refused (HTTP 403); the trace text says why.</source>
        <translation>El llamante se autenticó pero fue rechazado (HTTP 403); el texto de la traza dice por qué.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Check the sender channel&apos;s authorization: the user role and its assignment, the client certificate list, and the CSRF setting.</source>
        <translation>Compruebe la autorización del canal emisor: el rol de usuario y su asignación, la lista de certificados de cliente y la configuración de CSRF.</translation>
    </message>
    <message>
        <location line="+307"/>
        <source>an ljs_trace_*.log file</source>
        <translation>un archivo ljs_trace_*.log</translation>
    </message>
</context>
<context>
    <name>trust</name>
    <message>
        <location filename="../wizard/core/trust.py" line="+104"/>
        <source>an SAP trust list</source>
        <translation>una lista de confianza de SAP</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{base} plus {count} root(s) from {file}</source>
        <translation>{base} más {count} raíz/raíces de {file}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>the trusted CAs of the custom domain</source>
        <translation>las CA de confianza del dominio personalizado</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the trusted CAs configured for the custom domain {domain} ({file})</source>
        <translation>las CA de confianza configuradas para el dominio personalizado {domain} ({file})</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>the SAP trust list shipped with the wizard</source>
        <translation>la lista de confianza de SAP incluida con el asistente</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>{file} is not an SAP trust list the wizard can read ({problem}). Give the JSON shipped in resources/ (same shape) or a PEM bundle of roots.</source>
        <translation>{file} no es una lista de confianza de SAP que el asistente pueda leer ({problem}). Indique el JSON incluido en resources/ (misma forma) o un paquete PEM de raíces.</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>SAP BTP trust store {version}</source>
        <translation>almacén de confianza de SAP BTP {version}</translation>
    </message>
    <message>
        <location line="+170"/>
        <source>a CA certificate file</source>
        <translation>un archivo de certificado de CA</translation>
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
        <translation>Supervisar → Archivos de log del sistema</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The default trace of node {node}, which answered, names the cause: open {trace} ({where}), or give it to cpi-cert-wizard analyze-log together with the access log.</source>
        <translation>La traza por defecto del nodo {node}, que respondió, indica la causa: abra {trace} ({where}) o páselo a cpi-cert-wizard analyze-log junto con el log de acceso.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The default trace of node {node}, which answered, names the cause: open {trace} ({where}).</source>
        <translation>La traza predeterminada del nodo {node}, que respondió, indica la causa: abra {trace} ({where}).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The default trace of the node that answered names the cause: open {trace} ({where}) of the node whose {access_log} shows this call, or give both files to cpi-cert-wizard analyze-log.</source>
        <translation>La traza por defecto del nodo que respondió indica la causa: abra {trace} ({where}) del nodo cuyo {access_log} muestra esta llamada, o pase ambos archivos a cpi-cert-wizard analyze-log.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The default trace of the node that answered names the cause: open {trace} ({where}) of the node whose {access_log} shows this call.</source>
        <translation>La traza predeterminada del nodo que respondió indica la causa: abra {trace} ({where}) del nodo cuyo {access_log} muestra esta llamada.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The call went through</source>
        <translation>La llamada ha funcionado</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant accepted the certificate, mapped it to a user with the required role and the integration flow answered with success.</source>
        <translation>El tenant aceptó el certificado, lo asignó a un usuario con el rol necesario y el flujo de integración respondió correctamente.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Nothing to fix. Configure the sender system with the same key, chain and URL (export-p12), and keep an eye on the certificate&apos;s expiry.</source>
        <translation>Nada que corregir. Configure el sistema emisor con la misma clave, cadena y URL (export-p12) y vigile la caducidad del certificado.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Nothing to fix. Configure the sender system with the same key, chain and URL (the files of the Export step), and keep an eye on the certificate&apos;s expiry.</source>
        <translation>Nada que corregir. Configure el sistema emisor con la misma clave, cadena y URL (los archivos del paso Exportar), y vigile la caducidad del certificado.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The tenant&apos;s server certificate is not trusted</source>
        <translation>El certificado de servidor del tenant no es de confianza</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The load balancer presented a certificate that does not lead to a root this call trusts (or is not valid for this host name), so the call stopped before sending anything.</source>
        <translation>El equilibrador de carga presentó un certificado que no lleva a una raíz de confianza para esta llamada (o no es válido para este nombre de host), así que la llamada se detuvo antes de enviar nada.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Import the tenant&apos;s load-balancer root into the trust store (step 1: fetch-root), or choose the right one with --trust root|system|FILE. If a company proxy inspects TLS, its root is the one to trust.</source>
        <translation>Importe la raíz del equilibrador de carga del tenant en el almacén de confianza (paso 1: fetch-root) o elija la correcta con --trust root|system|FILE. Si un proxy de la empresa inspecciona TLS, la raíz en la que hay que confiar es la suya.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Go back to the tenant&apos;s root step and fetch the load balancer&apos;s root again. If a company proxy inspects TLS, its root is the one to trust.</source>
        <translation>Vuelva al paso de la raíz del tenant y obtenga de nuevo la raíz del balanceador de carga. Si un proxy de la empresa inspecciona TLS, su raíz es la que debe ser de confianza.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The load balancer rejected the client certificate</source>
        <translation>El equilibrador de carga rechazó el certificado de cliente</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The TLS handshake failed with an alert after the client certificate was sent: the chain is incomplete, its root is not one the load balancer accepts, or the certificate is expired or not meant for client authentication.</source>
        <translation>El handshake TLS falló con una alerta tras enviar el certificado de cliente: la cadena está incompleta, su raíz no es una que acepte el equilibrador de carga, o el certificado ha caducado o no es apto para autenticación de cliente.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Send the whole chain (leaf and all intermediates), check the root against SAP&apos;s list of accepted client roots, and check validity and clientAuth in Extended Key Usage.</source>
        <translation>Envíe la cadena completa (hoja y todos los intermedios), compruebe la raíz con la lista de raíces de cliente aceptadas de SAP, y compruebe la validez y clientAuth en Extended Key Usage.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No certificate reached the tenant</source>
        <translation>Ningún certificado llegó al tenant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The call arrived without usable credentials (HTTP 401): the load balancer dropped the client certificate because its chain has a problem (incomplete, root not accepted, self-signed, expired, no clientAuth), or the server never asked for one. The access log shows &apos;-&apos; as the user.</source>
        <translation>La llamada llegó sin credenciales utilizables (HTTP 401): el equilibrador de carga descartó el certificado de cliente porque su cadena tiene un problema (incompleta, raíz no aceptada, autofirmado, caducado, sin clientAuth), o el servidor nunca pidió uno. El log de acceso muestra &apos;-&apos; como usuario.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Fix the chain problem named in the evidence: send leaf and all intermediates, use a certificate from a CA whose root is on SAP&apos;s list, never a self-signed one.</source>
        <translation>Corrija el problema de la cadena indicado en las evidencias: envíe la hoja y todos los intermedios, use un certificado de una CA cuya raíz figure en la lista de SAP, nunca uno autofirmado.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The load balancer would drop this chain (the tool&apos;s inference)</source>
        <translation>El balanceador de carga descartaría esta cadena (deducción de la herramienta)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The tenant answered 401 without saying why. The tool cannot see what the load balancer did; from the chain it sends, it believes the load balancer dropped the client certificate, so the call arrived without one. The evidence says why it believes so; the access log line of this call (&apos;-&apos; as the user) would confirm it.</source>
        <translation>El tenant respondió 401 sin decir por qué. La herramienta no ve lo que hizo el balanceador de carga; por la cadena que envía, supone que el balanceador descartó el certificado de cliente y que la llamada llegó sin él. La evidencia dice por qué lo supone; la línea de esta llamada en el registro de acceso (&apos;-&apos; como usuario) lo confirmaría.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The server never asked for a client certificate</source>
        <translation>El servidor nunca pidió un certificado de cliente</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The server at this address finished the TLS handshake without asking for a client certificate, so none was sent. SAP&apos;s load balancer in front of a runtime node asks for one; this answer came from something else: the management host instead of the runtime host, or an API Management or reverse proxy that ends TLS in front of the tenant.</source>
        <translation>El servidor de esta dirección terminó el handshake TLS sin pedir un certificado de cliente, así que no se envió ninguno. El balanceador de carga de SAP delante de un nodo de runtime lo pide; esta respuesta vino de otra cosa: el host de gestión en lugar del host del runtime, o un API Management o proxy inverso que termina TLS delante del tenant.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Call the runtime host: on Cloud Foundry the url of the integration-flow service key (…-rt.cfapps…), on Neo the host ending in -iflmap…, not the management host. If a proxy or API Management sits in between, it must pass the TLS connection through or present the client certificate itself. Another chain or CA will not change this.</source>
        <translation>Llame al host del runtime: en Cloud Foundry la url de la clave de servicio integration-flow (…-rt.cfapps…), en Neo el host que termina en -iflmap…, no el host de gestión. Si hay un proxy o API Management en medio, debe dejar pasar la conexión TLS o presentar él mismo el certificado de cliente. Otra cadena u otra CA no cambiarán esto.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The certificate is not mapped to a user</source>
        <translation>El certificado no está asignado a un usuario</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The chain should pass the load balancer, yet the tenant answered 401: the certificate reached the tenant but is not known there. The access log shows &apos;&lt;subject CN&gt;@&lt;issuer CN&gt;&apos; as the user.</source>
        <translation>La cadena debería pasar el equilibrador de carga, pero el tenant respondió 401: el certificado llegó al tenant, pero allí no se conoce. El log de acceso muestra &apos;&lt;CN del sujeto&gt;@&lt;CN del emisor&gt;&apos; como usuario.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Register exactly this certificate in the tenant.</source>
        <translation>Registre exactamente este certificado en el tenant.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add this exact certificate (the client .cer, serial included) in the Certificate-to-User Mapping with a user name; a renewed certificate needs a new entry. If 401s come and go while the same sender also calls with Basic authentication, that is TLS session reuse (SAP KBA 3584034): use one authentication type per sender.</source>
        <translation>Añada exactamente este certificado (el .cer de cliente, con número de serie) en la asignación de certificado a usuario con un nombre de usuario; un certificado renovado necesita una entrada nueva. Si aparecen y desaparecen 401 mientras el mismo emisor también llama con autenticación Basic, es la reutilización de sesiones TLS (KBA de SAP 3584034): use un solo tipo de autenticación por emisor.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Create a service key of type External Certificate (certificate_external) with this leaf certificate as PEM on the Process Integration Runtime instance (plan integration-flow); the certificate must be in exactly one service key. If 401s come and go while the same sender also calls with Basic authentication, that is TLS session reuse (SAP KBA 3584034): use one authentication type per sender.</source>
        <translation>Cree una clave de servicio de tipo External Certificate (certificate_external) con este certificado final en PEM en la instancia de Process Integration Runtime (plan integration-flow); el certificado debe estar en exactamente una clave de servicio. Si aparecen y desaparecen 401 mientras el mismo emisor también llama con autenticación Basic, es la reutilización de sesiones TLS (KBA de SAP 3584034): use un solo tipo de autenticación por emisor.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The certificate is probably not mapped to a user (the tool&apos;s inference)</source>
        <translation>Probablemente el certificado no está asignado a ningún usuario (deducción de la herramienta)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The tenant answered 401 without saying why. The chain should pass the load balancer, so the tool believes the certificate reached the tenant but is not known there. The access log line of this call (&apos;&lt;subject CN&gt;@&lt;issuer CN&gt;&apos; as the user) would confirm it.</source>
        <translation>El tenant respondió 401 sin decir por qué. La cadena debería pasar el balanceador de carga, así que la herramienta supone que el certificado llegó al tenant pero allí no se conoce. La línea de esta llamada en el registro de acceso (&apos;&lt;subject CN&gt;@&lt;issuer CN&gt;&apos; como usuario) lo confirmaría.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Give the mapped user the channel&apos;s role and check the sender channel&apos;s CSRF setting. An SAP ABAP sender gets 403 when the tenant has two or more worker nodes unless the profile parameter ict/disable_cookie_urlencoding is set to 1 or 2 (SAP Note 2681175).</source>
        <translation>Dé al usuario asignado el rol del canal y compruebe la configuración CSRF del canal emisor. Un emisor SAP ABAP recibe 403 cuando el tenant tiene dos o más nodos de trabajo, salvo que el parámetro de perfil ict/disable_cookie_urlencoding valga 1 o 2 (nota SAP 2681175).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Give the mapped user the role the sender channel requires (default ESBMessaging.send) on the application ending in &apos;iflmap&apos; (cockpit → Security → Authorizations), and check the channel&apos;s CSRF protection setting. An SAP ABAP sender with two or more worker nodes on the tenant side needs the profile parameter ict/disable_cookie_urlencoding = 1 or 2 (SAP Note 2681175).</source>
        <translation>Dé al usuario asignado el rol que exige el canal emisor (por defecto ESBMessaging.send) en la aplicación que termina en &apos;iflmap&apos; (cockpit → Security → Authorizations) y compruebe la protección CSRF del canal. Un emisor SAP ABAP necesita, con dos o más nodos de trabajo en el lado del tenant, el parámetro de perfil ict/disable_cookie_urlencoding = 1 o 2 (nota SAP 2681175).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Add the channel&apos;s role (default ESBMessaging.send) to the service instance&apos;s &quot;roles&quot; parameter (role changes can take up to an hour to apply), and check the channel&apos;s CSRF protection setting. An SAP ABAP sender with two or more worker nodes on the tenant side needs the profile parameter ict/disable_cookie_urlencoding = 1 or 2 (SAP Note 2681175).</source>
        <translation>Añada el rol del canal (por defecto ESBMessaging.send) al parámetro &quot;roles&quot; de la instancia de servicio (los cambios de rol pueden tardar hasta una hora) y compruebe la protección CSRF del canal. Un emisor SAP ABAP necesita, con dos o más nodos de trabajo en el lado del tenant, el parámetro de perfil ict/disable_cookie_urlencoding = 1 o 2 (nota SAP 2681175).</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>Check the host name and port on the first step (the runtime host, port 443), DNS, and whether a firewall or a company proxy is needed (the wizard uses the proxy in HTTPS_PROXY).</source>
        <translation>Compruebe el nombre de host y el puerto en el primer paso (el host de runtime, puerto 443), el DNS, y si hace falta un cortafuegos o un proxy de la empresa (el asistente usa el proxy de HTTPS_PROXY).</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Check firewalls and proxies (the wizard uses the proxy in HTTPS_PROXY); a slow flow may answer when you try again.</source>
        <translation>Compruebe cortafuegos y proxies (el asistente usa el proxy de HTTPS_PROXY); un flujo lento quizá responda si lo intenta de nuevo.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Something answers at this address, but no TLS session could be set up with it: it speaks plain HTTP or another protocol, closed the connection during the handshake, or has no protocol version in common with the caller.</source>
        <translation>Algo responde en esta dirección, pero no se pudo establecer una sesión TLS: habla HTTP simple u otro protocolo, cerró la conexión durante el handshake o no tiene ninguna versión de protocolo en común con quien llama.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Use an https:// URL of the runtime host on port 443; check for a proxy or gateway that intercepts the connection. A .NET sender that reports &apos;Could not create SSL/TLS secure channel&apos; is usually offering only TLS 1.0 or 1.1: enable TLS 1.2 on it.</source>
        <translation>Use una URL https:// del host del runtime en el puerto 443; compruebe si un proxy o una pasarela intercepta la conexión. Un emisor .NET que informa de &apos;Could not create SSL/TLS secure channel&apos; suele ofrecer solo TLS 1.0 o 1.1: active TLS 1.2 en él.</translation>
    </message>
    <message>
        <location line="-156"/>
        <source>Authenticated, but not allowed</source>
        <translation>Autenticado, pero sin permiso</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant knows the certificate&apos;s user (HTTP 403) but that user lacks the role the flow&apos;s sender channel requires, or CSRF protection is on, or the flow&apos;s own client certificate list does not contain this subject and issuer.</source>
        <translation>El tenant conoce el usuario del certificado (HTTP 403), pero a ese usuario le falta el rol que exige el canal emisor del flujo, o la protección CSRF está activada, o la lista de certificados de cliente del propio flujo no contiene este sujeto y emisor.</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>No integration flow at this address</source>
        <translation>No hay ningún flujo de integración en esta dirección</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Authentication passed but nothing listens at this path (HTTP 404), or the host answered with a redirect or &apos;method not allowed&apos; instead of running a flow: a typo, a flow that is not deployed, /http versus /cxf, or the management host instead of the runtime host.</source>
        <translation>La autenticación se superó, pero nada escucha en esta ruta (HTTP 404), o el host respondió con una redirección o &apos;method not allowed&apos; en lugar de ejecutar un flujo: una errata, un flujo no desplegado, /http en vez de /cxf, o el host de gestión en lugar del host de tiempo de ejecución.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Check the endpoint address in the deployed flow (Monitor → Manage Integration Content shows the endpoint URL) and use the runtime host.</source>
        <translation>Compruebe la dirección del punto final en el flujo desplegado (Supervisar → Gestionar contenido de integración muestra la URL del punto final) y use el host de tiempo de ejecución.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The message is too large</source>
        <translation>El mensaje es demasiado grande</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The request is larger than the sender channel allows (HTTP 413).</source>
        <translation>La solicitud supera el tamaño que admite el canal emisor (HTTP 413).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Send a smaller message or raise the maximum body size of the flow&apos;s sender channel.</source>
        <translation>Envíe un mensaje más pequeño o aumente el tamaño máximo del cuerpo en el canal emisor del flujo.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The integration flow ran and failed</source>
        <translation>El flujo de integración se ejecutó y falló</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Authentication and authorization passed; the flow itself ended in an error (HTTP 500, or another status the flow chose).</source>
        <translation>La autenticación y la autorización se superaron; el propio flujo terminó con un error (HTTP 500 u otro estado que eligió el flujo).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Open the message processing log of this call (Monitor → Monitor Message Processing) for the error; the certificate setup is fine.</source>
        <translation>Abra el log de procesamiento de mensajes de esta llamada (Supervisar → Supervisar procesamiento de mensajes) para ver el error; la configuración del certificado es correcta.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The runtime is not available</source>
        <translation>El tiempo de ejecución no está disponible</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant or the flow&apos;s runtime is not available right now (HTTP 502, 503, 504 or 429): being started, updated, overloaded, or the flow is not started.</source>
        <translation>El tenant o el tiempo de ejecución del flujo no está disponible en este momento (HTTP 502, 503, 504 o 429): se está iniciando o actualizando, está sobrecargado, o el flujo no está iniciado.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Check the flow&apos;s deployment status and the tenant&apos;s health, then try again later.</source>
        <translation>Compruebe el estado de despliegue del flujo y el estado del tenant, y vuelva a intentarlo más tarde.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The host cannot be reached</source>
        <translation>No se puede acceder al host</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No connection could be opened: the host name does not resolve, or the port refuses connections, or there is no route.</source>
        <translation>No se ha podido abrir ninguna conexión: el nombre de host no se resuelve, el puerto rechaza conexiones o no hay ruta.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Check the host name and port (the runtime host, port 443), DNS, and whether a firewall or a company proxy (--proxy, HTTPS_PROXY) is needed.</source>
        <translation>Compruebe el nombre de host y el puerto (el host de tiempo de ejecución, puerto 443), el DNS, y si interviene un cortafuegos o hace falta un proxy de la empresa (--proxy, HTTPS_PROXY).</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>No answer in time</source>
        <translation>Sin respuesta a tiempo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The connection or the answer took longer than the time allowed: a firewall silently drops the traffic, a proxy is needed, or the flow takes longer than the timeout.</source>
        <translation>La conexión o la respuesta ha tardado más de lo permitido: un cortafuegos descarta el tráfico sin avisar, hace falta un proxy, o el flujo tarda más que el tiempo de espera.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Check firewalls and proxies (--proxy, HTTPS_PROXY); for a slow flow, raise --timeout.</source>
        <translation>Compruebe cortafuegos y proxies (--proxy, HTTPS_PROXY); para un flujo lento, aumente --timeout.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The proxy refused the connection</source>
        <translation>El proxy rechazó la conexión</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The HTTP proxy could not be used or would not open a tunnel (CONNECT) to the tenant.</source>
        <translation>No se pudo usar el proxy HTTP o este no quiso abrir un túnel (CONNECT) hacia el tenant.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Check the proxy address and credentials, and ask for CONNECT to the tenant host on port 443 to be allowed; bypass the proxy for this host with NO_PROXY if it is not needed.</source>
        <translation>Compruebe la dirección y las credenciales del proxy, y pida que se permita CONNECT al host del tenant en el puerto 443; si el proxy no hace falta, omítalo para este host con NO_PROXY.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No TLS session with this port</source>
        <translation>No hay sesión TLS con este puerto</translation>
    </message>
</context>
<context>
    <name>workers</name>
    <message>
        <location filename="../wizard/ui/workers.py" line="-277"/>
        <source>Cancelled; nothing was written.</source>
        <translation>Cancelado; no se ha escrito nada.</translation>
    </message>
    <message>
        <location line="+107"/>
        <source>Something went wrong that is not your fault (%1). Please report it with the log; nothing half-written was kept.</source>
        <translation>Algo ha fallado y no es culpa suya (%1). Notifíquelo adjuntando el log; no se ha conservado nada a medio escribir.</translation>
    </message>
</context>
</TS>
