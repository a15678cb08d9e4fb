// Keeps a zizhu Kafka broker's ACLs exactly as the principals files say
// (deploy/kafka/principals.conf): run by deploy/kafka/broker.sh after every
// start, and by `broker.sh rotate`. Run with Java's source launcher:
//
//   java -cp 'deploy/kafka/libs/*' ZizhuKafkaAdmin.java \
//     --bootstrap 127.0.0.1:<internal-port> --admin-config <java client properties> \
//     --credentials <dir of <principal>.pem> <principals file>...
//
// It connects as the broker's own principal (mutual TLS on the internal
// listener; the only super user). Each principal authenticates with its
// certificate, whose CN "<principal>.g<generation>" is its Kafka principal;
// the rights go to the current generation (read from its certificate) only.
// It creates the ACLs the table grants and deletes every other ACL, so a
// right removed from the table — or a rotated-out key — keeps nothing.
// Exit status 0 when the broker matches the table; 1 with the reason.
import java.io.InputStream;
import java.nio.file.Files;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

public class ZizhuKafkaAdmin {
  static final String BROKER_PRINCIPAL = "User:zizhu-broker";
  // name: as in the table (its transactional ids begin "<name>-");
  // kafkaName: the current generation's, as the broker authenticates it.
  record Principal(String name, String kafkaName, String writes, List<String> reads) {}

  public static void main(String[] args) throws Exception {
    String bootstrap = null, adminConfig = null, credentials = null;
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--bootstrap" -> bootstrap = args[++i];
        case "--admin-config" -> adminConfig = args[++i];
        case "--credentials" -> credentials = args[++i];
        default -> files.add(Path.of(args[i]));
      }
    }
    if (bootstrap == null || adminConfig == null || credentials == null || files.isEmpty()) {
      System.err.println("usage: ZizhuKafkaAdmin --bootstrap HOST:PORT --admin-config FILE --credentials DIR FILE...");
      System.exit(2);
    }
    Map<String, Principal> principals = new LinkedHashMap<>();
    for (Path file : files) readPrincipals(file, Path.of(credentials), principals);

    Properties props = new Properties();
    try (var in = Files.newInputStream(Path.of(adminConfig))) {
      props.load(in);
    }
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    try (Admin admin = Admin.create(props)) {
      int[] acls = syncAcls(admin, principals);
      System.out.printf("kafka: %d principals, %d ACLs (%d added, %d removed)%n", principals.size(), acls[0],
          acls[1], acls[2]);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      System.err.println("kafka administration failed: " + cause);
      System.exit(1);
    }
  }

  // Lines "principal writes reads": '-' for none, reads comma-separated.
  static void readPrincipals(Path file, Path credentials, Map<String, Principal> out) throws Exception {
    int n = 0;
    for (String raw : Files.readAllLines(file)) {
      n++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      String[] f = line.split("\\s+");
      if (f.length != 3 || !f[0].startsWith("zizhu-")) {
        throw new IllegalArgumentException(file + " line " + n + ": expected 'zizhu-<name> <writes> <reads>': " + line);
      }
      List<String> reads = f[2].equals("-") ? List.of() : List.of(f[2].split(","));
      if (out.put(f[0], new Principal(f[0], kafkaNameOf(credentials, f[0]), f[1], reads)) != null) {
        throw new IllegalArgumentException(file + " line " + n + ": principal " + f[0] + " named twice");
      }
    }
  }

  // The CN of the principal's current certificate: "<principal>.g<generation>".
  static String kafkaNameOf(Path credentials, String principal) throws Exception {
    Path file = credentials.resolve(principal + ".pem");
    try (InputStream in = Files.newInputStream(file)) {
      X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      for (String part : cert.getSubjectX500Principal().getName().split(",")) {
        if (part.startsWith("CN=") && part.substring(3).startsWith(principal + ".g")) return part.substring(3);
      }
      throw new IllegalArgumentException(file + ": its CN is not " + principal + ".g<generation>");
    }
  }

  static void allow(Set<AclBinding> out, String kafkaName, ResourceType type, String prefix, AclOperation... ops) {
    for (AclOperation op : ops) {
      out.add(new AclBinding(new ResourcePattern(type, prefix, PatternType.PREFIXED),
          new AccessControlEntry("User:" + kafkaName, "*", op, AclPermissionType.ALLOW)));
    }
  }

  // The rights of the table: a principal writes (and creates, reads) only the
  // topics of its own prefix, with transactional ids "<principal>-..."; reads
  // the topics it follows; any consumer group "zizhu-..." (readers assign
  // partitions themselves and never commit offsets to Kafka).
  static Set<AclBinding> desired(Map<String, Principal> principals) {
    Set<AclBinding> acls = new LinkedHashSet<>();
    for (Principal p : principals.values()) {
      if (!p.writes().equals("-")) {
        allow(acls, p.kafkaName(), ResourceType.TOPIC, p.writes(), AclOperation.WRITE, AclOperation.READ,
            AclOperation.DESCRIBE, AclOperation.CREATE);
        allow(acls, p.kafkaName(), ResourceType.TRANSACTIONAL_ID, p.name() + "-", AclOperation.WRITE,
            AclOperation.DESCRIBE);
      }
      for (String read : p.reads()) {
        allow(acls, p.kafkaName(), ResourceType.TOPIC, read, AclOperation.READ, AclOperation.DESCRIBE);
      }
      allow(acls, p.kafkaName(), ResourceType.GROUP, "zizhu-", AclOperation.READ);
    }
    return acls;
  }

  static int[] syncAcls(Admin admin, Map<String, Principal> principals) throws Exception {
    Set<AclBinding> want = desired(principals);
    Collection<AclBinding> have = admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS);
    List<AclBinding> add = new ArrayList<>();
    for (AclBinding b : want) {
      if (!have.contains(b)) add.add(b);
    }
    List<AclBindingFilter> remove = new ArrayList<>();
    for (AclBinding b : have) {
      if (!want.contains(b) && !b.entry().principal().equals(BROKER_PRINCIPAL)) remove.add(b.toFilter());
    }
    if (!add.isEmpty()) admin.createAcls(add).all().get(30, TimeUnit.SECONDS);
    if (!remove.isEmpty()) admin.deleteAcls(remove).all().get(30, TimeUnit.SECONDS);
    return new int[] {want.size(), add.size(), remove.size()};
  }
}
